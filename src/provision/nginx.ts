import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { siteText } from './tls-site.js';
import { nginxDropInScript } from './nginx-dropins.js';
import { defaultServerDecide, installDefaultServer, restoreDefaultServer } from './default-server.js';

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
  const q = shQuote;
  // Shared folders nginx serves (uploads): group www-data with setgid, so what the app writes there
  // (UMask 0027: group-readable) is readable by nginx and nothing else of shared/ is; shared/ itself
  // only traversable (o+x, no listing).
  const uploads = ctx.settings.provision.staticMaps
    .filter((m) => m.shared)
    .map((m) => {
      const dir = `${ctx.paths.shared}/${m.folder}`;
      // Made as the deploy's layout step would, when provision runs before the first deploy.
      return `if [ "$dry" != 1 ]; then
  [ -d ${q(ctx.paths.dir)} ] || install -d -m 0755 -o root -g root ${q(ctx.paths.dir)}
  [ -d ${q(ctx.paths.shared)} ] || install -d -m 0750 -o ${q(ctx.paths.user)} -g ${q(ctx.paths.user)} ${q(ctx.paths.shared)}
  [ -d ${q(dir)} ] || { setpriv --reuid=${q(ctx.paths.user)} --regid=${q(ctx.paths.user)} --init-groups --reset-env -- install -d -m 0750 -- ${q(dir)}; mark uploads; }
  [ -L ${q(dir)} ] || { chgrp www-data -- ${q(dir)}; chmod 2750 -- ${q(dir)}; }
  chmod o+x ${q(ctx.paths.shared)}
fi`;
    })
    .join('\n');
  return `
${uploads}
${nginxDropInScript(ctx)}
avail=${q(ctx.paths.nginxSite)}; enabled=${q(ctx.paths.nginxEnabled)}; def=/etc/nginx/sites-enabled/default
new=$(mktemp); trap 'rm -f "$new"' EXIT
cat > "$new"
${defaultServerDecide()}
[ -f "$avail" ] && cmp -s "$new" "$avail" || mark site
[ "$(readlink "$enabled" 2>/dev/null)" = "$avail" ] || mark link
if [ -e "$def" ] || [ -L "$def" ]; then mark default-site; fi
if [ -n "$changed" ]; then
  if [ "$dry" = 1 ]; then
    echo "would=install $avail, link it in sites-enabled, disable the default site, update the catch-all server $dconf, nginx -t, reload nginx"
    [ -f "$avail" ] && { diff -u "$avail" "$new" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  else
    keep=$(mktemp -d)
    [ -f "$avail" ] && cp -a "$avail" "$keep/site"
    [ -e "$enabled" ] || [ -L "$enabled" ] && cp -a "$enabled" "$keep/link"
    [ -e "$def" ] || [ -L "$def" ] && cp -a "$def" "$keep/default"
    install -m 0644 -o root -g root "$new" "$avail"
    ln -sfn "$avail" "$enabled"
    rm -f "$def"
    ${installDefaultServer()}
    if ! out=$(nginx -t 2>&1); then
      # Put back exactly what was there: the running nginx never sees the refused config.
      if [ -f "$keep/site" ]; then cp -a "$keep/site" "$avail"; else rm -f "$avail"; fi
      rm -f "$enabled"; [ -e "$keep/link" ] || [ -L "$keep/link" ] && cp -a "$keep/link" "$enabled"
      [ -e "$keep/default" ] || [ -L "$keep/default" ] && cp -a "$keep/default" "$def"
      ${restoreDefaultServer()}
      rm -rf "$keep"
      echo "$out" | tail -n 5 >&2
      exit ${REFUSED}
    fi
    rm -rf "$keep"
    if systemctl is-active --quiet nginx; then systemctl reload nginx; echo nginx=reloaded; else systemctl start nginx; echo nginx=started; fi
  fi
fi
if ! systemctl is-enabled --quiet nginx 2>/dev/null; then mark nginx-enabled; act systemctl enable --quiet nginx; fi
if [ "$dry" != 1 ] && ! systemctl is-active --quiet nginx; then mark nginx-started; systemctl start nginx; fi
`;
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
