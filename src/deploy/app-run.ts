import type { ServerPaths } from './paths.js';
import { shQuote } from '../ssh/quote.js';

/**
 * A command run the way the service runs: as the app's user, with its environment file, in a
 * transient systemd unit. The import check and the migrations then see exactly what Gunicorn will
 * see, not sudo's or the SSH user's environment.
 */
export function appRunCommand(
  paths: ServerPaths,
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
    ...opts.argv.map(q)
  ].join(' ');
}
