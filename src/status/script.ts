import type { DeployContext } from '../deploy/context.js';
import { healthUrl } from '../deploy/health.js';
import { serverScript } from '../render/scripts.js';
import { shQuote } from '../ssh/quote.js';
import { KV_FN } from '../ssh/shell-fns.js';
import { statesDir } from '../deploy/release-record.js';
import { maintenanceConf } from '../maintenance/paths.js';
import { metricsStatusLines } from '../metrics/status.js';

/** History lines read back for the audit fields of the serving and previous releases. */
export const HISTORY_TAIL = 300;

/**
 * One read-only script per server for `status`: key=value facts, then the history's tail after a
 * `--- history` line. Reads only root-owned files and /proc; it never follows a path the app or the
 * build user can write (the release's own REVISION is not read: the commit comes from the history).
 * The facts come from templates/scripts/status.sh.
 */
export function statusScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const given = ctx.settings.given.includes('health-path') || ctx.settings.given.includes('health-host');
  const facts = serverScript('status', {
    current: p.current,
    states_dir: statesDir(ctx),
    lock_owner: p.lockOwner,
    maintenance_conf: maintenanceConf(p.app),
    svc: p.units.service.name,
    socket: p.socket,
    app_units: `${p.app}-*.service`,
    nginx_site: p.nginxSite,
    dir: p.dir,
    backups: p.backups,
    health_script: p.healthScript,
    health_url: healthUrl(ctx.settings, ctx.settings.deploy.healthPath),
    url_given: given ? 1 : 0
  });
  return `${KV_FN}\n${facts}${metricsStatusLines(p.app)}
echo '--- history'; tail -n ${HISTORY_TAIL} ${shQuote(p.history)} 2>/dev/null; exit 0`;
}
