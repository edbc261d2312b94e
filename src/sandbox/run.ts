import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { APT_INSTALL_HINT } from './config.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Return the result on a non-zero exit instead of throwing. */
  allowFail?: boolean;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Each output line, as it comes (long builds). */
  onLine?: (line: string) => void;
}

/** Runs a program without a shell: every argument reaches it exactly as given. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    const partial = { out: '', err: '' };
    const onData = (chunk: Buffer, into: 'out' | 'err'): void => {
      const text = chunk.toString();
      if (into === 'out') stdout += text;
      else stderr += text;
      if (opts.onLine) {
        const lines = (partial[into] + text).split('\n');
        partial[into] = lines.pop() ?? '';
        for (const l of lines) opts.onLine(l);
      }
    };
    child.stdout.on('data', (c: Buffer) => onData(c, 'out'));
    child.stderr.on('data', (c: Buffer) => onData(c, 'err'));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      for (const rest of [partial.out, partial.err]) if (rest && opts.onLine) opts.onLine(rest);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) {
        const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-15).join('\n');
        reject(
          new Error(
            `${[cmd, ...args].join(' ')} exited ${signal ?? result.code}${detail ? `:\n${detail}` : ''}`
          )
        );
        return;
      }
      resolve(result);
    });
  });
}

async function onPath(tool: string): Promise<boolean> {
  // Debian keeps ip, iptables and debootstrap in sbin, which a non-login PATH may lack.
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      await access(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // not in this dir
    }
  }
  return false;
}

/** Each tool the sandbox runs, and the Debian package that has it. */
export const REQUIRED_TOOLS = {
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  iptables: 'iptables',
  ip: 'iproute2',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client'
} as const;

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of Object.keys(REQUIRED_TOOLS)) if (!(await onPath(tool))) missing.push(tool);
  return missing;
}

/**
 * The sandbox needs root and a handful of Debian packages. As root on a machine with apt, the
 * missing packages are installed after saying so (a newcomer's first `npm run demo` just works);
 * anywhere else it fails with one line saying what to do.
 */
export async function preflight(
  say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)
): Promise<void> {
  if (process.platform !== 'linux') throw new Error('the sandbox needs Linux (systemd-nspawn)');
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the sandbox needs root (network namespaces, overlay mounts, systemd-nspawn): run it with sudo'
    );
  }
  let missing = await missingTools();
  if (missing.length && (await onPath('apt-get'))) {
    const pkgs = [...new Set(missing.map((t) => REQUIRED_TOOLS[t as keyof typeof REQUIRED_TOOLS]))];
    say(`The sandbox needs ${missing.join(', ')}: installing ${pkgs.join(' ')} with apt-get ...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-q'], { env, timeoutMs: 10 * 60_000 });
    await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], {
      env,
      timeoutMs: 20 * 60_000
    });
    missing = await missingTools();
  }
  if (missing.length) {
    throw new Error(`the sandbox needs ${missing.join(', ')}; install with: ${APT_INSTALL_HINT}`);
  }
  if (!process.env.PATH?.split(':').includes('/usr/sbin')) {
    process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
