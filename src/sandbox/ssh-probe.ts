import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { run, sleep } from './run.js';

/**
 * The line a known_hosts file needs, read from the server's own disk rather than from the network,
 * so the first connection is already verified.
 */
export async function knownHostsLine(root: string, host: string): Promise<string> {
  const pub = await readFile(path.join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8');
  const [type, key] = pub.trim().split(/\s+/);
  if (type !== 'ssh-ed25519' || !key) throw new Error(`unexpected host key in ${root}: ${pub.slice(0, 40)}`);
  return `${host} ${type} ${key}`;
}

/** One client key for every server, made once per state dir; servers get its public half at `up`. */
export async function ensureClientKey(stateDir: string): Promise<string> {
  const dir = path.join(stateDir, 'client');
  const keyPath = path.join(dir, 'id_ed25519');
  try {
    await readFile(keyPath + '.pub');
    return keyPath;
  } catch {
    // first use
  }
  // Made aside and renamed as a whole, so no one ever reads a private half from one run and a
  // public half from another.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'gunicorn-deploy-sandbox',
    '-f',
    `${tmp}/id_ed25519`
  ]);
  try {
    await rename(tmp, dir);
  } catch {
    await rm(tmp, { recursive: true, force: true });
  }
  await readFile(keyPath + '.pub');
  return keyPath;
}

/** The options every check here uses: strict host key checking against the line read from disk. */
export function sshArgs(opts: {
  keyPath: string;
  knownHostsFile: string;
  user: string;
  host: string;
}): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    opts.keyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${opts.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=1',
    '-o',
    'LogLevel=ERROR',
    `${opts.user}@${opts.host}`
  ];
}

export interface WaitOptions {
  keyPath: string;
  knownHostsFile: string;
  user: string;
  host: string;
  timeoutMs: number;
  /** Stops waiting as soon as this says the guest is gone. */
  alive: () => boolean;
}

/** Returns when `ssh true` works, which is what callers need: not a port, a login. */
export async function waitForSsh(opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  for (;;) {
    const r = await run('ssh', [...sshArgs(opts), 'true'], { allowFail: true, timeoutMs: 10_000 });
    if (r.code === 0) return;
    last = r.stderr.trim();
    if (!opts.alive()) throw new Error('the guest exited before sshd answered');
    if (Date.now() > deadline) {
      throw new Error(
        `sshd did not answer within ${opts.timeoutMs / 1000} s${last ? ` (last: ${last})` : ''}`
      );
    }
    await sleep(100);
  }
}
