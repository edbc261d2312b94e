import { renderTemplate, type TemplateVars } from '../render.js';
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
 * an internal redirect that does not pass through them again. templates/nginx/maintenance.conf.hbs.
 */
export function dropInText(app: string, healthPath: string): string {
  const vars = {
    app,
    allowVar: varName(app),
    health: healthPath.split('?')[0]!,
    pageDir: maintenancePageDir(app),
    retryAfter: RETRY_AFTER_S
  };
  return renderTemplate('nginx/maintenance.conf', vars as unknown as TemplateVars);
}

/** The page when the repository has no maintenance.html (templates/nginx/maintenance-page.html.hbs). */
export function plainPage(): string {
  return renderTemplate('nginx/maintenance-page.html', {} as unknown as TemplateVars);
}

export { maintenanceConf };
