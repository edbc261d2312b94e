import type { Problem } from './problem.js';

/** Node's timers hold at most 2^31-1 ms (~24.8 days); a larger value fires at once. */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/** Upper bounds of the duration inputs: a typo (720h) must not hang a run or a server loop. */
export const DURATION_MAX_MS: Record<string, number> = {
  'health-timeout': 30 * 60_000,
  'lock-timeout': 60 * 60_000,
  'connect-timeout': 5 * 60_000,
  'health-interval': 24 * 3_600_000,
  'stop-timeout': 60 * 60_000,
  'process-settle': 5 * 60_000
};

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function durationProblem(ms: number, maxMs: number = TIMER_MAX_MS): Problem {
  if (!Number.isFinite(ms) || ms <= 0) return 'must be a positive duration such as 30s, 5m or 500ms';
  const max = Math.min(maxMs, TIMER_MAX_MS);
  if (ms > max) return `must be at most ${formatDuration(max)}`;
  return undefined;
}

/** The free-space floor: an absolute size, a share of the filesystem, or the smaller of both. */
export interface DiskFloor {
  mb?: number;
  percent?: number;
}

/** 'auto' (500 MB or 5 %, whichever is smaller), '0', '750MB', '2GB', '10%'. */
export function parseDiskFloor(raw: string): DiskFloor | string {
  const v = raw.trim();
  if (v === 'auto') return { mb: 500, percent: 5 };
  const pct = /^(\d{1,2})\s*%$/.exec(v);
  if (pct) return { percent: Number(pct[1]) };
  const size = /^(\d+)\s*(MB|M|GB|G)?$/i.exec(v);
  if (size) {
    const n = Number(size[1]);
    const mb = /^g/i.test(size[2] ?? '') ? n * 1024 : n;
    if (mb <= 1024 * 1024) return { mb };
  }
  return `must be auto (500 MB, or 5 % of the filesystem if that is less), a size such as 750MB or 2GB, a share such as 10%, or 0 (no floor), got '${raw}'`;
}
