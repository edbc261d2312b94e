import type { HistoryEntry } from './facts.js';

export const HISTORY_HEADER = ['time (UTC)', 'event', 'outcome', 'release', 'by', 'from', 'commit', 'why'];

/** One row per history line, for people: the commit short, the reason's first 120 characters. */
export function historyRows(entries: HistoryEntry[]): string[][] {
  return entries.map((e) => [
    (e.time ?? '').replace('T', ' ').slice(0, 19),
    e.event ?? '',
    e.status ?? '',
    e.release ?? e.backup ?? '',
    e.actor ?? '',
    e.origin ?? '',
    (e.commit ?? '').slice(0, 12),
    (e.why ?? '').slice(0, 120)
  ]);
}
