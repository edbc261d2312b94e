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
 * A command's leading words, each a fixed part and, where given, a value after it: in TypeScript's
 * command text the value is quoted (`-p User='shop'`); a server script gets the words as one value,
 * one word a line (commandWordsValue), and runs them as `"${words[@]}"`. So each privilege line is
 * written once, here, whether TypeScript or a script in templates/scripts/ runs it.
 */
export type CommandWord = readonly [fixed: string, value?: string];

/** The words as shell text, each value quoted. */
export function commandWordsText(words: readonly CommandWord[]): string {
  return words.map(([fixed, value]) => (value === undefined ? fixed : `${fixed}${shQuote(value)}`)).join(' ');
}

/** The words as a script's value: one word a line, read with `mapfile -t` (no word holds a newline). */
export function commandWordsValue(words: readonly CommandWord[]): string {
  return words
    .map(([fixed, value]) => {
      const word = `${fixed}${value ?? ''}`;
      if (word.includes('\n')) throw new Error(`a command word holds a newline: ${JSON.stringify(word)}`);
      return word;
    })
    .join('\n');
}

const fixed = (word: string): CommandWord => [word];

/** systemd-run's words for appRunCommand, up to and with its `--` (app_run.sh's as_app takes them). */
export function appRunWords(
  paths: AppLayout,
  opts: { cwd: string; envFile: string; venv: string }
): CommandWord[] {
  return [
    ...['systemd-run', '--quiet', '--wait', '--pipe', '--collect', '--service-type=exec'].map(fixed),
    ['-p'],
    ['User=', paths.user],
    ['-p'],
    ['Group=', paths.user],
    ['-p'],
    ['EnvironmentFile=', opts.envFile],
    ['-p'],
    ['WorkingDirectory=', opts.cwd],
    ['--setenv=PATH=', `${opts.venv}/bin:/usr/local/bin:/usr/bin:/bin`],
    ['--setenv=PWD=', opts.cwd],
    ['--']
  ];
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
  return [commandWordsText(appRunWords(paths, opts)), ...opts.argv.map((a) => shQuote(systemdWord(a)))].join(
    ' '
  );
}

/** setpriv's words for asUser, up to and with `bash -c` (import_database.sh's as_user takes them). */
export function asUserWords(user: string): CommandWord[] {
  return [
    ['setpriv'],
    ['--reuid=', user],
    ['--regid=', user],
    ['--init-groups'],
    ['--reset-env'],
    ['--'],
    ['bash'],
    ['-c']
  ];
}

/** What asUser's bash runs before the script (a script's as_user prepends the same). */
export const AS_USER_HEAD = 'set -euo pipefail\n';

/**
 * A shell text run by root's script as an unprivileged user (the build user for repository content,
 * the app's user for what the app can write), inside the same round trip. setpriv costs ~4 ms
 * (runuser ~13 ms, sudo -u ~20 ms, systemd-run ~60 ms, measured on trixie): no PAM session, no
 * log line, and the environment reset to the user's own, so nothing of root's leaks in. args: shell
 * words for $1... (expanded by root's script).
 */
export function asUser(user: string, script: string, args: string[] = []): string {
  return [commandWordsText(asUserWords(user)), shQuote(`${AS_USER_HEAD}${script}`), 'gd', ...args].join(' ');
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
