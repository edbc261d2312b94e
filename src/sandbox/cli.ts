import { isSuite, validateName, type Suite } from './config.js';
import { sandboxDown, sandboxList, sandboxUp } from './server.js';

export type SandboxCommand =
  | { cmd: 'up'; name?: string; bare: boolean; suite: Suite }
  | { cmd: 'down'; name?: string; all: boolean }
  | { cmd: 'list' }
  | { cmd: 'help' };

export const SANDBOX_USAGE = `usage:
  sandbox up [--name NAME] [--bare] [--suite trixie|bookworm]   boot a server; prints one JSON object
  sandbox down --name NAME | --all                               power off and remove
  sandbox list                                                   running servers as a JSON array
Needs root. Servers are Debian with systemd, sshd on 22, user deploy with passwordless sudo.`;

/** Pure: argv after `sandbox` to a command, or an error naming what is wrong. */
export function parseSandboxArgs(argv: readonly string[]): SandboxCommand {
  const [cmd, ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const [, key, inline] = m;
    if (key === 'name' || key === 'suite') {
      const value = inline ?? rest[++i];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${key} needs a value`);
      flags.set(key, value);
    } else if (inline !== undefined) {
      throw new Error(`--${key} takes no value`);
    } else {
      flags.set(key, true);
    }
  }
  const allowed = (keys: string[]): void => {
    for (const k of flags.keys())
      if (!keys.includes(k)) throw new Error(`sandbox ${cmd}: unknown option --${k}`);
  };
  const name = flags.get('name') as string | undefined;
  if (name !== undefined) validateName(name);
  switch (cmd) {
    case 'up': {
      allowed(['name', 'bare', 'suite']);
      const suite = (flags.get('suite') as string | undefined) ?? 'trixie';
      if (!isSuite(suite)) throw new Error(`unknown suite ${JSON.stringify(suite)}: use trixie or bookworm`);
      return { cmd, name, bare: flags.has('bare'), suite };
    }
    case 'down': {
      allowed(['name', 'all']);
      const all = flags.has('all');
      if (all === (name !== undefined))
        throw new Error('sandbox down: give exactly one of --name NAME or --all');
      return { cmd, name, all };
    }
    case 'list':
      allowed([]);
      return { cmd };
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { cmd: 'help' };
    default:
      throw new Error(`unknown sandbox command ${JSON.stringify(cmd)}`);
  }
}

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** `gunicorn-deploy sandbox ...`: stdout carries only JSON, so scripts can parse it; the rest goes to stderr. */
export async function sandboxCli(argv: string[], io: CliIo = process): Promise<number> {
  let command: SandboxCommand;
  try {
    command = parseSandboxArgs(argv);
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n${SANDBOX_USAGE}\n`);
    return 2;
  }
  try {
    switch (command.cmd) {
      case 'help':
        io.stdout.write(SANDBOX_USAGE + '\n');
        return 0;
      case 'up': {
        const s = await sandboxUp({
          name: command.name,
          bare: command.bare,
          suite: command.suite,
          log: (line) => io.stderr.write(line + '\n')
        });
        const { name, host, port, user, privateKeyPath, knownHosts } = s;
        io.stdout.write(JSON.stringify({ name, host, port, user, privateKeyPath, knownHosts }) + '\n');
        return 0;
      }
      case 'down': {
        const names = await sandboxDown({ name: command.name, all: command.all });
        if (command.name && !names.length) {
          io.stderr.write(`error: no sandbox named ${command.name}\n`);
          return 1;
        }
        io.stderr.write(names.length ? `stopped ${names.join(', ')}\n` : 'no sandbox servers\n');
        return 0;
      }
      case 'list':
        io.stdout.write(JSON.stringify(await sandboxList(), null, 2) + '\n');
        return 0;
    }
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
