import { isIP } from 'node:net';
import type { Problem } from './problem.js';

// The site's edge in nginx (rate-limit) and who may reach SSH (ssh-allow-from).

/** One `rate-limit` line: requests under PATH limited per client address. */
export interface RateLimit {
  /** A URL prefix, as nginx's prefix location takes it. */
  path: string;
  /** Requests per `per`. */
  rate: number;
  per: 's' | 'm';
  /** Requests above the rate let through at once before 429s (nodelay). */
  burst: number;
}

/** A URL path that reaches nginx's config unquoted: letters, digits, and . _ ~ / - only. */
const URL_PATH = /^\/[A-Za-z0-9._~/-]{0,200}$/;

/** `PATH RATE [burst=N]`, e.g. `/login 10r/m` or `/api/ 5r/s burst=20`. */
export function parseRateLimit(line: string): RateLimit | string {
  const m = /^(\S+)\s+(\d{1,6})r\/(s|m)(?:\s+burst=(\d{1,6}))?$/.exec(line.trim());
  if (!m)
    return `each line must be PATH RATE [burst=N], e.g. /login 10r/m or /api/ 5r/s burst=20, got '${line.trim()}'`;
  const path = m[1]!;
  if (!URL_PATH.test(path) || path.includes('//') || /(^|\/)\.\.?(\/|$)/.test(path))
    return `'${path}' is not a URL path (/login, /api/: letters, digits, . _ ~ - and /)`;
  const rate = Number(m[2]);
  if (rate < 1) return `the rate of ${path} must be at least 1r/${m[3]}`;
  return { path, rate, per: m[3] as 's' | 'm', burst: Number(m[4] ?? 0) };
}

/** Seconds a client waits for its next allowed request: what a 429's Retry-After says. */
export function retryAfterSeconds(r: RateLimit): number {
  return Math.max(1, Math.ceil((r.per === 'm' ? 60 : 1) / r.rate));
}

/** An IPv4 or IPv6 address or CIDR block, normalised (`::ffff:` stripped), or why not. */
export function parseSource(raw: string): { address: string; prefix: number; family: 4 | 6 } | string {
  const m = /^([0-9A-Fa-f:.]+)(?:\/(\d{1,3}))?$/.exec(raw.trim());
  const addr = m?.[1]?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1') ?? '';
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  const prefix = m?.[2] === undefined ? max : Number(m[2]);
  if (!m || family === 0 || prefix > max)
    return `'${raw.trim()}' is not an IPv4 or IPv6 address or CIDR block (203.0.113.7, 198.51.100.0/24, 2001:db8::/32)`;
  if (family === 4 && prefix < 32) {
    const n = addr.split('.').reduce((a, o) => a * 256 + Number(o), 0);
    if (n % 2 ** (32 - prefix) !== 0)
      return `'${raw.trim()}' has host bits set: the block is written with its first address (198.51.100.0/24)`;
  }
  return { address: addr.toLowerCase(), prefix, family: family as 4 | 6 };
}

/** The source as nft and fail2ban take it: `203.0.113.7` or `198.51.100.0/24`. */
export function sourceText(s: { address: string; prefix: number; family: 4 | 6 }): string {
  return s.prefix === (s.family === 4 ? 32 : 128) ? s.address : `${s.address}/${s.prefix}`;
}

/** One source address of ssh-allow-from (or the run's own), as it reaches a script. */
export function sourceProblem(v: string): Problem {
  const p = parseSource(v);
  return typeof p === 'string' ? p : sourceText(p) === v ? undefined : `'${v}' is not in its plain form`;
}
