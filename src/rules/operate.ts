import { isIP } from 'node:net';
import type { Problem } from './problem.js';

/** `since` of mode logs: a whole number of s, m, h or d; journalctl and the log filters take seconds. */
const SINCE = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds of a `since` value, or NaN. */
export function sinceSeconds(v: string): number {
  const m = SINCE.exec(v);
  return m ? Number(m[1]) * UNIT_S[m[2] as keyof typeof UNIT_S] : NaN;
}

export function sinceProblem(v: string): Problem {
  if (v === '') return undefined;
  const s = sinceSeconds(v);
  if (!Number.isFinite(s)) return `must be a whole number with s, m, h or d (e.g. 30m, 2h, 1d), got '${v}'`;
  if (s > 366 * 86_400) return `must be at most 366d, got '${v}'`;
  return undefined;
}

/** `process` of mode logs: `web` or the name of another process of the app (a unit APP-NAME). */
const PROCESS = /^[a-z][a-z0-9-]{0,30}$/;

export function processNameProblem(v: string): Problem {
  if (v === '' || PROCESS.test(v)) return undefined;
  return `must be a process name (lower-case letters, digits and -, starting with a letter), got '${v}'`;
}

/** One entry of `maintenance-allow`: an IPv4 or IPv6 address, with an optional /prefix. */
export function clientAddressProblem(v: string): Problem {
  const m = /^([0-9a-fA-F:.]+)(?:\/(\d{1,3}))?$/.exec(v);
  const version = m ? isIP(m[1]!) : 0;
  if (!m || version === 0) return `must be an IP address or network (203.0.113.7, 2001:db8::/32), got '${v}'`;
  if (m[2] !== undefined && Number(m[2]) > (version === 4 ? 32 : 128))
    return `has a prefix longer than an IPv${version} address: '${v}'`;
  return undefined;
}
