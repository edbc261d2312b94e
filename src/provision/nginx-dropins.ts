import type { DeployContext } from '../deploy/context.js';
import { nginxDropInDir } from '../maintenance/paths.js';
import { shQuote } from '../ssh/quote.js';

/** nginx's log format for every app of the tool: the combined format plus the request's timings. */
export const LOG_FORMAT_CONF = '/etc/nginx/conf.d/gunicorn-deploy-log-format.conf';
export const LOG_FORMAT = 'gunicorn_deploy';

/** The app's own access log (mode logs reads it; Debian's logrotate for nginx rotates /var/log/nginx/*.log). */
export function nginxAccessLog(app: string): string {
  return `/var/log/nginx/${app}.access.log`;
}

/**
 * The site's drop-in folder (the site includes its `*.conf` in every server block that serves the
 * app) with the app's access log in it, and the shared log format: written before the site, so
 * the nginx step's `nginx -t` and reload take them with it. Marks `nginx-logs` when anything changed.
 */
export function nginxDropInScript(ctx: DeployContext): string {
  const q = shQuote;
  const app = ctx.paths.app;
  const format = `log_format ${LOG_FORMAT} '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time urt=$upstream_response_time';`;
  const accessLog = `access_log ${nginxAccessLog(app)} ${LOG_FORMAT};`;
  const put = (file: string, text: string): string =>
    `if [ "$(cat ${q(file)} 2>/dev/null)" != ${q(text)} ]; then
  mark nginx-logs
  [ "$dry" = 1 ] || printf '%s\\n' ${q(text)} | install -m 0644 -o root -g root /dev/stdin ${q(file)}
fi`;
  return `[ "$dry" = 1 ] || install -d -m 0755 -o root -g root /etc/nginx/gunicorn-deploy ${q(nginxDropInDir(app))}
${put(LOG_FORMAT_CONF, format)}
${put(`${nginxDropInDir(app)}/access-log.conf`, accessLog)}`;
}
