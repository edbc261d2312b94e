import type { AppLayout } from './paths.js';
import { shQuote } from '../ssh/quote.js';

/**
 * systemd (PID 1) expands $VAR, ${VAR} and $$ in a transient unit's command line, from the unit's
 * environment: a hook's `echo ${X}` would reach bash as `echo ` (or as the env file's value). Every
 * $ doubled, each word reaches the program exactly as written (systemd 247-257 all take $$).
 */
export function systemdWord(word: string): string {
  return word.replace(/\$/g, '$$$$');
}

/**
 * A command run the way the service runs: as the app's user, with its environment file, in a
 * transient systemd unit. The import check and the migrations then see exactly what Gunicorn will
 * see, not sudo's or the SSH user's environment. argv reaches the program as written (systemdWord).
 */
export function appRunCommand(
  paths: AppLayout,
  opts: { cwd: string; envFile: string; venv: string; argv: string[] }
): string {
  const q = shQuote;
  return [
    'systemd-run --quiet --wait --pipe --collect --service-type=exec',
    `-p User=${q(paths.user)} -p Group=${q(paths.user)}`,
    `-p EnvironmentFile=${q(opts.envFile)}`,
    `-p WorkingDirectory=${q(opts.cwd)}`,
    `--setenv=PATH=${q(`${opts.venv}/bin:/usr/local/bin:/usr/bin:/bin`)}`,
    `--setenv=PWD=${q(opts.cwd)}`,
    '--',
    ...opts.argv.map((a) => q(systemdWord(a)))
  ].join(' ');
}

/**
 * A shell text run by root's script as an unprivileged user (the build user for repository content,
 * the app's user for what the app can write), inside the same round trip. setpriv costs ~4 ms
 * (runuser ~13 ms, sudo -u ~20 ms, systemd-run ~60 ms, measured on trixie): no PAM session, no
 * log line, and the environment reset to the user's own, so nothing of root's leaks in. args: shell
 * words for $1... (expanded by root's script).
 */
export function asUser(user: string, script: string, args: string[] = []): string {
  const q = shQuote;
  return [
    `setpriv --reuid=${q(user)} --regid=${q(user)} --init-groups --reset-env --`,
    `bash -c ${q(`set -euo pipefail\n${script}`)} gd`,
    ...args
  ].join(' ');
}

/**
 * Code from the repository's packages (pip builds run setup.py and build backends) runs in a
 * transient unit as the build user: whatever it starts is killed with the unit when pip ends (no
 * process is left behind to race root's later steps), it cannot gain privileges (setuid
 * binaries), it gets its own /tmp, and the unit ends by itself after maxSeconds even if the
 * runner is gone.
 */
export function buildRunCommand(
  paths: AppLayout,
  /** args: shell words for $1..., expanded by root's script (values known only on the server). */
  opts: { env: Record<string, string>; maxSeconds: number; script: string; args?: string[] }
): string {
  const q = shQuote;
  // The script reaches bash on stdin (--pipe), never on systemd-run's command line: no $ of it
  // crosses systemd's own expansion. It is one { } group, read whole before it runs, with stdin
  // then /dev/null, so nothing it runs can read the rest of the script.
  return [
    `printf '%s\\n' ${q(`{\nset -euo pipefail\n${opts.script}\n} </dev/null`)} |`,
    'systemd-run --quiet --wait --pipe --collect --service-type=exec',
    `-p User=${q(paths.buildUser)} -p Group=${q(paths.buildUser)}`,
    '-p NoNewPrivileges=yes -p PrivateTmp=yes',
    `-p RuntimeMaxSec=${Math.max(1, Math.ceil(opts.maxSeconds))}`,
    ...Object.entries(opts.env).map(([k, v]) => `--setenv=${q(`${k}=${v}`)}`),
    '--',
    'bash',
    '-s',
    '--',
    ...(opts.args ?? [])
  ].join(' ');
}
