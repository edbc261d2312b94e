import type { HostSpec } from './ssh.js';

export function hostLabel(h: HostSpec): string {
  return h.port === 22 ? h.host : `${h.host}:${h.port}`;
}
