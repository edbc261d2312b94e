import { maintenanceConf } from './paths.js';

/** How long clients are told to wait before asking again (Retry-After), in seconds. */
export const RETRY_AFTER_S = 300;

/** Where the maintenance page lives: root's, readable by nginx, outside anything the app writes. */
export function maintenancePageDir(app: string): string {
  return `/etc/gunicorn-deploy/maintenance/${app}`;
}

/** The http-level file: which client addresses still reach the app (nginx's geo needs http{}). */
export function maintenanceGeoConf(app: string): string {
  return `/etc/nginx/conf.d/gunicorn-deploy-${app}-maintenance.conf`;
}

/** nginx variable names take letters, digits and _; app names also have -. */
function varName(app: string): string {
  return `gunicorn_deploy_${app.replace(/-/g, '_')}_allow`;
}

export function geoText(app: string, allow: string[]): string {
  return [
    `# Written by gunicorn-deploy: maintenance of ${app}; removed when maintenance is off.`,
    `geo $${varName(app)} {`,
    '    default 0;',
    ...allow.map((a) => `    ${a} 1;`),
    '}',
    ''
  ].join('\n');
}

/**
 * The server-level drop-in: every request but the health path, ACME's challenges and the allowed
 * addresses gets 503 with Retry-After and the page. Server-level rewrite directives run before any
 * location is chosen, so static files and uploads are covered too; the named location is reached by
 * an internal redirect that does not pass through them again.
 */
export function dropInText(app: string, healthPath: string): string {
  const health = healthPath.split('?')[0]!;
  return `# Written by gunicorn-deploy: maintenance of ${app} is on (mode maintenance, maintenance: off removes it).
set $gunicorn_deploy_maintenance 1;
if ($${varName(app)}) { set $gunicorn_deploy_maintenance 0; }
if ($uri = "${health}") { set $gunicorn_deploy_maintenance 0; }
if ($uri ~ "^/\\.well-known/acme-challenge/") { set $gunicorn_deploy_maintenance 0; }
error_page 503 @gunicorn_deploy_maintenance;
if ($gunicorn_deploy_maintenance) { return 503; }
location @gunicorn_deploy_maintenance {
    root ${maintenancePageDir(app)};
    default_type text/html;
    add_header Retry-After ${RETRY_AFTER_S} always;
    add_header Cache-Control "no-store" always;
    try_files /maintenance.html =503;
}
`;
}

export const PLAIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Down for maintenance</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em">
<h1>Down for maintenance</h1>
<p>We are working on the site and will be back shortly. Please try again in a few minutes.</p>
</body></html>
`;

export { maintenanceConf };
