import type { DeployContext } from '../deploy/context.js';
import { nginxAccessLog } from '../provision/nginx-dropins.js';
import { serverScript } from '../render/scripts.js';

/** Seconds a log file's read may take (not a follow): a FIFO in its place never ends it. */
const READ_LIMIT_S = 30;

/** Seconds without a heartbeat from the runner after which a follow ends on its own. */
export const FOLLOW_PATIENCE_S = 30;

/**
 * mode logs on one server: the app's journal (its units), Gunicorn's error log and the app's nginx
 * access log, each line prefixed with where it comes from. With follow, the three run side by side
 * until the channel is closed (the run cancelled); reading only, as root (the logs are root's and
 * the app's), never writing. A follow runs while the runner's heartbeats come on stdin (its end, a
 * cancel or a silent runner ends every reader at once). The script is templates/scripts/logs.sh.
 */
export function logsScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const { sinceS, lines, follow, process } = ctx.settings.operate.logs;
  const units =
    process === ''
      ? [p.units.service.name, `${p.app}-*.service`]
      : process === 'web'
        ? [p.units.service.name]
        : [`${p.app}-${process}.service`];
  const withFiles = process === '' || process === 'web';
  return serverScript('logs', {
    unit_a: units[0]!,
    unit_b: units[1] ?? '',
    with_files: withFiles ? 1 : 0,
    error_log: withFiles ? p.errorLog : '',
    app_user: p.user,
    access_log: withFiles ? nginxAccessLog(p.app) : '',
    since_s: sinceS,
    lines,
    follow: follow ? 1 : 0,
    read_limit: READ_LIMIT_S,
    patience: FOLLOW_PATIENCE_S
  });
}
