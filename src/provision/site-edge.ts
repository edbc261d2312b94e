import type { DeployContext } from '../deploy/context.js';
import { assertRule, parseRateLimit, retryAfterSeconds, serverNameProblem } from '../rules.js';

/** One rate-limited path as the site template writes it. */
export interface RateLimitVars {
  /** The limit_req zone: one per app and path, server-wide names (every site is in one http block). */
  zone: string;
  path: string;
  /** nginx's rate, 10r/m. */
  rate: string;
  burst: number;
  retryAfter: number;
  /** `/`: the limit goes into the site's own `location /`. */
  root: boolean;
}

/** What templates/nginx/site.conf.hbs reads for canonical-host, security headers and rate limits. */
export interface SiteEdgeVars {
  securityHeaders: boolean;
  /** `NAME VALUE` of every add_header of the site (HSTS is added by siteVars over HTTPS). */
  headers: string[];
  /** The name the others redirect to, and the others (one server_name line). */
  canonical?: { host: string; others: string };
  rateLimits: RateLimitVars[];
}

const ident = (app: string): string => app.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * The security headers go through maps on the upstream's own header (site.conf.hbs): a header the
 * app sent itself is kept and nginx adds nothing, as an empty add_header value adds no header.
 */
export function siteEdgeVars(ctx: DeployContext): SiteEdgeVars {
  const site = ctx.settings.provision.site;
  const app = ctx.paths.app;
  const id = ident(app);
  const headers = site.securityHeaders
    ? [
        `X-Content-Type-Options $gd_${id}_xcto`,
        `Referrer-Policy $gd_${id}_referrer`,
        `X-Frame-Options $gd_${id}_xfo`,
        `Content-Security-Policy $gd_${id}_csp`
      ]
    : [];
  const names = ctx.settings.provision.serverName.split(' ');
  let canonical: SiteEdgeVars['canonical'];
  if (site.canonicalHost) {
    assertRule('canonical-host', serverNameProblem(site.canonicalHost));
    const others = names.filter((n) => n.toLowerCase() !== site.canonicalHost);
    canonical = { host: site.canonicalHost, others: others.join(' ') };
  }
  const rateLimits = site.rateLimits.map((r, i) => {
    // Asserted again: the path reaches nginx's config unquoted.
    const again = parseRateLimit(`${r.path} ${r.rate}r/${r.per}`);
    if (typeof again === 'string') throw new Error(`internal error: rate-limit ${again}`);
    return {
      zone: `gd_${id}_${i}`,
      path: r.path,
      rate: `${r.rate}r/${r.per}`,
      burst: r.burst,
      retryAfter: retryAfterSeconds(r),
      root: r.path === '/'
    };
  });
  return { securityHeaders: site.securityHeaders, headers, ...(canonical ? { canonical } : {}), rateLimits };
}

/** The HSTS header's value for the TLS settings. */
export function hstsValue(t: { hstsSubdomains: boolean; hstsPreload: boolean }): string {
  return `"max-age=31536000${t.hstsSubdomains ? '; includeSubDomains' : ''}${t.hstsPreload ? '; preload' : ''}"`;
}
