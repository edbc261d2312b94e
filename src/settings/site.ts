import { parseRateLimit, type RateLimit } from '../rules.js';
import type { Inputs, Problems } from './inputs.js';

/** What nginx adds to the site beyond proxying: one canonical name, security headers, rate limits. */
export interface SiteSettings {
  /** The name every other server-name redirects to (one 301, path and query kept); '' for none. */
  canonicalHost: string;
  /** X-Content-Type-Options, Referrer-Policy, X-Frame-Options and CSP frame-ancestors, unless the app sends its own. */
  securityHeaders: boolean;
  rateLimits: RateLimit[];
}

/**
 * The inputs canonical-host, security-headers and rate-limit. `names` are the parsed server-name
 * entries; `locations` the URL prefixes static and static-path already serve (one location each).
 */
export function parseSiteSettings(
  read: Inputs,
  problems: Problems,
  names: string[],
  locations: string[]
): SiteSettings {
  const canonicalHost = read.text('canonical-host').toLowerCase();
  if (canonicalHost) {
    const plain = names.filter((n) => n !== '_' && !n.includes('*')).map((n) => n.toLowerCase());
    if (!plain.includes(canonicalHost))
      problems.push(
        `input \`canonical-host\`: must be one of server-name's names (${plain.join(', ') || 'none: server-name is _ or wildcards'}), got '${canonicalHost}'`
      );
    else if (plain.length < 2 || names.some((n) => n === '_' || n.includes('*')))
      problems.push(
        'input `canonical-host`: needs server-name to list the other names it redirects, each in full (not _ or a wildcard)'
      );
  }
  const rateLimits: RateLimit[] = [];
  for (const line of read.list('rate-limit', /\n|,/)) {
    const r = parseRateLimit(line);
    if (typeof r === 'string') read.check('rate-limit', r);
    else if (rateLimits.some((x) => x.path === r.path))
      read.check('rate-limit', `${r.path} is limited twice`);
    else if (locations.includes(r.path) || locations.includes(`${r.path}/`))
      read.check('rate-limit', `${r.path} is served by static or static-path (files nginx serves itself)`);
    else rateLimits.push(r);
  }
  return { canonicalHost, securityHeaders: read.bool('security-headers'), rateLimits };
}
