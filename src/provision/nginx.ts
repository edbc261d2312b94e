import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { DeployError } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { siteText } from './tls-site.js';
import { nginxDropInScript } from './nginx-dropins.js';
import { defaultServerFunctions } from './default-server.js';

/** Exit code when `nginx -t` refused the new site (the old one was put back). */
const REFUSED = 6;

/**
 * The site in sites-available, its link in sites-enabled, the default site's link removed, the
 * server-wide catch-all for unknown Hosts (default-server.ts) as the enabled sites need it. nginx
 * reads a whole tree, so the only sound test is of the tree as it will be: the old files are kept,
 * the new ones installed, `nginx -t` run, and on failure everything put back before nginx is
 * reloaded. nginx is reloaded only when something here changed. The site's text comes on stdin.
 */
export function nginxScript(ctx: DeployContext): string {
  const p = ctx.paths;
  // Shared folders nginx serves (uploads): group www-data with setgid (templates/scripts/nginx_site.sh).
  const uploads = ctx.settings.provision.staticMaps
    .filter((m) => m.shared)
    .map((m) => `${p.shared}/${m.folder}`);
  return (
    nginxDropInScript(ctx) +
    defaultServerFunctions() +
    serverScript('nginx_site', {
      avail: p.nginxSite,
      enabled: p.nginxEnabled,
      refused: REFUSED,
      app_dir: p.dir,
      shared: p.shared,
      user: p.user,
      upload_dirs: uploads.join('\n')
    })
  );
}

/** `site`: the text to install; by default the site for the server's TLS state (see tls-site.ts). */
export async function ensureNginx(ctx: DeployContext, site?: string): Promise<ProvisionResult> {
  const text = site ?? (await siteText(ctx));
  try {
    const res = await runProvisionScript(ctx, 'configuring nginx', nginxScript(ctx), {
      stdin: text
    });
    if (res.facts.nginx) res.detail += ` (nginx ${res.facts.nginx})`;
    return res;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.includes(`exit ${REFUSED}`)) {
      throw new DeployError(
        `nginx -t refused the configuration with the new site; the previous files were put back and nginx was not reloaded:\n${msg.split('\n').slice(1).join('\n')}`,
        'Fix the nginx configuration named above (another site or conf.d file, or the site inputs) and run provision again.'
      );
    }
    throw err;
  }
}
