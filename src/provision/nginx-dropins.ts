import type { DeployContext } from '../deploy/context.js';
import { nginxDropInDir } from '../maintenance/paths.js';
import { serverScript } from '../render/scripts.js';

/** nginx's log format for every app of the tool: the combined format plus the request's timings. */
export const LOG_FORMAT_CONF = '/etc/nginx/conf.d/gunicorn-deploy-log-format.conf';
export const LOG_FORMAT = 'gunicorn_deploy';

/** The app's own access log (mode logs reads it; Debian's logrotate for nginx rotates /var/log/nginx/*.log). */
export function nginxAccessLog(app: string): string {
  return `/var/log/nginx/${app}.access.log`;
}

/**
 * The site's drop-in folder (the site includes its `*.conf` in every server block that serves the
 * app) with the app's access log in it, and the shared log format: `nginx_logs`, a function the
 * nginx script calls before it writes the site (templates/scripts/nginx_logs.sh), so the nginx
 * step's `nginx -t` and reload take them with it. Marks `nginx-logs` when anything changed.
 */
export function nginxDropInScript(ctx: DeployContext): string {
  const app = ctx.paths.app;
  return serverScript('nginx_logs', {
    dropin_dir: nginxDropInDir(app),
    format_conf: LOG_FORMAT_CONF,
    format_line: `log_format ${LOG_FORMAT} '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" rt=$request_time urt=$upstream_response_time';`,
    log_conf: `${nginxDropInDir(app)}/access-log.conf`,
    log_line: `access_log ${nginxAccessLog(app)} ${LOG_FORMAT};`
  });
}
