import type { DeployContext } from '../deploy/context.js';
import { nginxAccessLog } from '../provision/nginx-dropins.js';
import { shQuote } from '../ssh/quote.js';

/**
 * The files' lines since a moment: Gunicorn's error log starts its lines `[YYYY-MM-DD HH:MM:SS`,
 * nginx's `... [DD/Mon/YYYY:HH:MM:SS`; both are the server's local time, compared as text with the
 * cut-off in the same form. A line without a time (a traceback) goes with the line before it.
 */
const SINCE_AWK = `BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); for (i in m) mon[m[i]] = sprintf("%02d", i); keep = 0 }
{
  t = ""
  if (match($0, /\\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/)) t = substr($0, RSTART + 1, 19)
  else if (match($0, /\\[[0-9]{2}\\/[A-Z][a-z]{2}\\/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}/)) {
    s = substr($0, RSTART + 1, 20); t = substr(s, 8, 4) "-" mon[substr(s, 4, 3)] "-" substr(s, 1, 2) " " substr(s, 13, 8)
  }
  if (t != "") keep = (t >= cut)
  if (keep) print
}`;

/** Seconds a log file's read may take (not a follow): a FIFO in its place never ends it. */
const READ_LIMIT_S = 30;

/** Seconds without a heartbeat from the runner after which a follow ends on its own. */
export const FOLLOW_PATIENCE_S = 30;

/**
 * A follow runs while the runner's heartbeats come on stdin: its end (a cancel, Ctrl-C, a lost
 * connection) or a silent runner ends every reader of the script's process group at once. Closing
 * the channel alone would leave them to run until their next line fails to write.
 */
const WATCH = `while IFS= read -r -t ${FOLLOW_PATIENCE_S} _; do :; done
trap '' TERM
kill -TERM 0 2>/dev/null`;

/**
 * mode logs on one server: the app's journal (its units), Gunicorn's error log and the app's nginx
 * access log, each line prefixed with where it comes from. With follow, the three run side by side
 * until the channel is closed (the run cancelled); reading only, as root (the logs are root's and
 * the app's), never writing.
 */
export function logsScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  const { sinceS, lines, follow, process } = ctx.settings.operate.logs;
  const units =
    process === ''
      ? [p.units.service.name, `${p.app}-*.service`]
      : process === 'web'
        ? [p.units.service.name]
        : [`${p.app}-${process}.service`];
  const files: [string, string, string][] =
    process === '' || process === 'web'
      ? [
          [p.errorLog, p.user, p.user],
          [nginxAccessLog(p.app), 'www-data', 'adm']
        ]
      : [];
  const journal = [
    'journalctl --no-pager -o short-iso',
    ...units.map((u) => `-u ${q(u)}`),
    sinceS ? `--since "@$cut_epoch"` : `-n ${lines}`,
    follow ? '-f' : ''
  ].join(' ');
  // Each file is read as the user who writes it (the app its error log, nginx's user its access
  // log): one who plants a link there in place of the log reads only what it could read anyway.
  // A FIFO planted there would block the read for ever: only a regular file is read (root's stat),
  // and a read that ends by itself is bounded, should the file be swapped after that test.
  const file = ([f, user, group]: [string, string, string]): string => {
    const name = q(f.split('/').pop()!);
    const as = `setpriv --reuid=${q(user)} --regid=${q(group)} --init-groups --reset-env --`;
    const bounded = `timeout ${READ_LIMIT_S} ${as}`;
    const read = sinceS
      ? `{ ${bounded} cat -- ${q(f)}; } 2>/dev/null | awk -v cut="$cut_text" ${q(SINCE_AWK)}${follow ? `; ${as} tail -n 0 -F -- ${q(f)} 2>/dev/null` : ''}`
      : `${follow ? as : bounded} tail -n ${lines} ${follow ? '-F ' : ''}-- ${q(f)} 2>/dev/null`;
    return `if [ -f ${q(f)} ]${follow ? ' || true' : ''}; then
  { ${read}; } | sed -u "s/^/"${name}": /"${follow ? ' &' : ''}
fi`;
  };
  return `set +e
${sinceS ? `cut_epoch=$(( $(date +%s) - ${sinceS} )); cut_text=$(date -d "@$cut_epoch" '+%Y-%m-%d %H:%M:%S')` : ''}
${files.map(file).join('\n')}
${journal} | sed -u 's/^/journal: /'${follow ? ' &' : ''}
${follow ? WATCH : ''}
exit 0`;
}
