import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { renderNginxSite, type TemplateVars } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { provisionVars } from './vars.js';
import { hstsValue, type SiteEdgeVars } from './site-edge.js';

/** Where certbot puts the challenge files nginx serves: root's, outside every app's folders. */
export const ACME_WEBROOT_BASE = '/var/www/gunicorn-deploy-acme';

export interface TlsPaths {
  certificate: string;
  key: string;
  webroot: string;
}

/**
 * tls: acme uses certbot's lineage named after the app (`--cert-name APP`), so renewals land in
 * the same paths; tls: files writes the given pair next to the tool's other server-wide files.
 */
export function tlsPaths(ctx: DeployContext): TlsPaths {
  const app = ctx.paths.app;
  const webroot = `${ACME_WEBROOT_BASE}/${app}`;
  return ctx.settings.tls.mode === 'files'
    ? {
        certificate: `/etc/gunicorn-deploy/tls/${app}/fullchain.pem`,
        key: `/etc/gunicorn-deploy/tls/${app}/privkey.pem`,
        webroot
      }
    : {
        certificate: `/etc/letsencrypt/live/${app}/fullchain.pem`,
        key: `/etc/letsencrypt/live/${app}/privkey.pem`,
        webroot
      };
}

export type SiteVars = TemplateVars &
  SiteEdgeVars & {
    /** The HTTP site answers ACME challenges from here (tls: acme, before the certificate exists). */
    acmeWebroot?: string;
    hsts?: boolean;
    tls?: { certificate: string; key: string; webroot: string; http2Listen: boolean; http2On: boolean };
  };

/** `http2 on;` came with nginx 1.25.1; older ones take `listen 443 ssl http2`. */
export function http2Style(version: string): 'on' | 'listen' | 'none' {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return 'none';
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const atLeast = a > 1 || (a === 1 && (b > 25 || (b === 25 && c >= 1)));
  return atLeast ? 'on' : 'listen';
}

/**
 * The site's variables for a server in the given state: the HTTPS site once the certificate and
 * key are on the server, else the HTTP site (with the challenge location for tls: acme), so nginx
 * never names a certificate that is not there.
 */
export function siteVars(
  ctx: DeployContext,
  state: { certificateReady: boolean; nginxVersion: string }
): SiteVars {
  const vars: SiteVars = provisionVars(ctx);
  const t = ctx.settings.tls;
  if (t.mode === 'off') return vars;
  const p = tlsPaths(ctx);
  if (!state.certificateReady) return t.mode === 'acme' ? { ...vars, acmeWebroot: p.webroot } : vars;
  const h2 = http2Style(state.nginxVersion);
  return {
    ...vars,
    hsts: t.hsts,
    // Before the others: add_header lines are sent in order.
    headers: t.hsts ? [`Strict-Transport-Security ${hstsValue(t)}`, ...vars.headers] : vars.headers,
    tls: {
      certificate: p.certificate,
      key: p.key,
      webroot: p.webroot,
      http2Listen: h2 === 'listen',
      http2On: h2 === 'on'
    }
  };
}

export function renderSite(vars: SiteVars): string {
  return renderNginxSite(vars).content;
}

/** Reads what the site depends on: are the certificate and key there, which nginx runs. */
export async function probeTlsState(
  ctx: DeployContext
): Promise<{ certificateReady: boolean; nginxVersion: string }> {
  const p = tlsPaths(ctx);
  const res = await ctx.remote.script(
    `c=${shQuote(p.certificate)}; k=${shQuote(p.key)}
if [ -s "$c" ] && [ -s "$k" ]; then echo ready=1; else echo ready=0; fi
echo "nginx=$( (nginx -v 2>&1 || true) | sed -n 's|.*nginx/\\([0-9.]*\\).*|\\1|p')"`,
    { sudo: true, timeoutMs: 30_000 }
  );
  const facts = parseFacts(res.stdout);
  return { certificateReady: facts.ready === '1', nginxVersion: facts.nginx ?? '' };
}

/** The site text for this server as it is now (tls: off needs no look at the server). */
export async function siteText(ctx: DeployContext): Promise<string> {
  if (ctx.settings.tls.mode === 'off') return renderSite(provisionVars(ctx));
  return renderSite(siteVars(ctx, await probeTlsState(ctx)));
}
