import { isIP } from 'node:net';
import type { Problem } from './problem.js';

/**
 * `metrics-listen`: where node-exporter listens, IPv4:PORT or [IPv6]:PORT (an address, never a
 * name: node-exporter binds it at start), not a port nginx or sshd already holds.
 */
export function metricsListenProblem(v: string): Problem {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(v);
  const ok = m && (m[1] !== undefined ? isIP(m[1]) === 6 : isIP(m[2]!) === 4);
  if (!m || !ok) return `must be ADDRESS:PORT (127.0.0.1:9100, [::1]:9100, 0.0.0.0:9100), got '${v}'`;
  const port = Number(m[3]);
  if (port < 1 || port > 65_535) return `has a port outside 1-65535: '${v}'`;
  if ([22, 80, 443].includes(port)) return `port ${port} is sshd's or nginx's; node-exporter's is 9100`;
  return undefined;
}
