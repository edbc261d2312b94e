import type { LoadSettings } from '../settings.js';
import type { LevelResult } from './wrk.js';

/** The thresholds a run was judged by, kept with its figures for the summary. */
export interface LoadThresholds {
  p95Ms: number;
  successMin: number;
  cpuMax: number;
  memoryMax: number;
}

export interface LevelVerdict extends LevelResult {
  /** One line per missed threshold; empty when the level passed. */
  missed: string[];
}

export function thresholdsOf(s: LoadSettings): LoadThresholds {
  return { p95Ms: s.p95Ms, successMin: s.successMin, cpuMax: s.cpuMax, memoryMax: s.memoryMax };
}

/** Success share in percent with one decimal, never rounded up to 100 while a request failed. */
export function successRate(l: LevelResult): number {
  if (l.requests === 0) return 0;
  const r = Math.floor((l.successes / l.requests) * 1000) / 10;
  return r;
}

const pct = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(1)}%`;

/** Which thresholds a level missed, each said with the input that sets it. */
export function judge(l: LevelResult, t: LoadThresholds): LevelVerdict {
  const missed: string[] = [];
  if (l.problem || l.requests === 0) {
    missed.push(`no figures: ${l.problem ?? 'no request was answered'}`);
    return { ...l, missed };
  }
  const rate = successRate(l);
  if (rate < t.successMin) {
    const what = [
      ...Object.entries(l.statuses)
        .filter(([code]) => !/^[23]/.test(code))
        .map(([code, n]) => `${n} x HTTP ${code}`),
      ...Object.entries(l.errors).map(([kind, n]) => `${n} ${kind} error${n === 1 ? '' : 's'}`)
    ].join(', ');
    missed.push(`success ${pct(rate)} is under load-success ${pct(t.successMin)} (${what})`);
  }
  if (l.p95Ms > t.p95Ms) missed.push(`p95 ${l.p95Ms} ms is over load-p95 ${t.p95Ms} ms`);
  if (l.cpuPeak > t.cpuMax) missed.push(`CPU peak ${pct(l.cpuPeak)} is over load-cpu ${pct(t.cpuMax)}`);
  if (l.memoryPeak > t.memoryMax)
    missed.push(`memory peak ${pct(l.memoryPeak)} is over load-memory ${pct(t.memoryMax)}`);
  return { ...l, missed };
}

export const LOAD_HEADER = [
  'clients',
  'requests',
  'success',
  'p50',
  'p95',
  'p99',
  'req/s',
  'CPU peak',
  'memory peak',
  'result'
];

/** The seed's table for this server, one row per level (the log's and the summary's). */
export function loadRows(levels: LevelVerdict[]): string[][] {
  return levels.map((l) => [
    String(l.clients),
    `${l.requests}${l.capped ? ' (cap)' : ''}`,
    pct(successRate(l)),
    `${l.p50Ms} ms`,
    `${l.p95Ms} ms`,
    `${l.p99Ms} ms`,
    String(l.rps),
    pct(l.cpuPeak),
    pct(l.memoryPeak),
    l.missed.length ? 'FAILED' : 'ok'
  ]);
}
