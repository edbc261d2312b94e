import type { Problem } from './problem.js';

// Edge: firewall ports and the alert webhook (inputs firewall-allow, alert-webhook)

/** One port or range opened by the firewall. */
export interface FirewallPort {
  proto: 'tcp' | 'udp';
  from: number;
  to: number;
}

/**
 * firewall-allow: items separated by commas, spaces or newlines, each PORT or FROM-TO, tcp unless
 * prefixed `udp/` (`tcp/` allowed too): `8080, 60000-61000, udp/53`.
 */
export function parseFirewallAllow(raw: string): FirewallPort[] | string {
  const out: FirewallPort[] = [];
  for (const item of raw.split(/[\s,]+/).filter((s) => s)) {
    const m = /^(?:(tcp|udp)\/)?(\d{1,5})(?:-(\d{1,5}))?$/.exec(item);
    const from = m ? Number(m[2]) : 0;
    const to = m?.[3] ? Number(m[3]) : from;
    if (!m || from < 1 || to > 65535 || to < from) {
      return `each item must be a port (8080), a range (60000-61000) or either with udp/ or tcp/ in front (udp/53), ports 1-65535, got '${item}'`;
    }
    out.push({ proto: (m[1] as 'tcp' | 'udp' | undefined) ?? 'tcp', from, to });
  }
  return out;
}

/**
 * alert-webhook: an http(s) URL. It reaches a curl config file on the server inside double quotes,
 * so quotes, backslashes, whitespace and control characters are refused (a URL encodes them).
 */
export function alertWebhookProblem(url: string): Problem {
  if (!/^https?:\/\/[^/\s"\\]+/.test(url)) return 'must be an http:// or https:// URL';
  if (/[\s"\\\x00-\x1f\x7f]/.test(url) || url.length > 2000)
    return 'must not contain spaces, quotes, backslashes or control characters (percent-encode them), at most 2000 characters';
  return undefined;
}
