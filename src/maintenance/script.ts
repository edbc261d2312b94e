import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { dropInText, geoText, maintenanceConf, maintenanceGeoConf, maintenancePageDir } from './nginx.js';
import { nginxDropInDir } from './paths.js';

/** Exit code when `nginx -t` refused the result (everything was put back). */
export const NGINX_REFUSED = 6;
/** Exit code when the app's nginx site does not include its drop-in folder (no provision yet). */
export const NO_INCLUDE = 7;

/**
 * Maintenance on or off on one server, idempotent: the drop-in, the allow-list and the page (on
 * stdin) are compared with what is there; only a change is installed, tested with `nginx -t` (put
 * back on refusal) and loaded with a reload, which keeps every connection. Prints changed=yes|no.
 * The script is templates/scripts/maintenance.sh.
 */
export function maintenanceScript(
  ctx: DeployContext,
  on: boolean,
  healthPath: string,
  allow: string[]
): string {
  const app = ctx.paths.app;
  return serverScript('maintenance', {
    on: on ? 1 : 0,
    include: `include ${nginxDropInDir(app)}/`,
    site: ctx.paths.nginxSite,
    drop: maintenanceConf(app),
    geo: maintenanceGeoConf(app),
    page: `${maintenancePageDir(app)}/maintenance.html`,
    drop_text: on ? dropInText(app, healthPath) : '',
    geo_text: on ? geoText(app, allow) : '',
    dropin_dir: nginxDropInDir(app),
    page_dir: maintenancePageDir(app),
    no_include: NO_INCLUDE,
    refused: NGINX_REFUSED
  });
}
