import type { LoadThresholds, LevelVerdict } from './verdict.js';
import { LOAD_HEADER, loadRows } from './verdict.js';

/** What a host's `load` fact holds (JSON): the figures and what they were judged by. */
export interface LoadFact {
  levels: LevelVerdict[];
  thresholds: LoadThresholds;
  paths: string[];
  thinkMs: number;
  levelS: number;
  /** nginx as wrk reached it: http://127.0.0.1:80, or https://127.0.0.1:443 for a site that redirects. */
  target?: string;
  /** What CPU and memory are of: the machine, or the container's cgroup (what the server may use). */
  source?: 'cgroup' | 'machine';
}

/** The table header's words for where CPU and memory come from. */
export function sourceNote(source: LoadFact['source']): string {
  return source === 'cgroup'
    ? "peaks of this container's cgroup (what the server may use: cpu.stat; memory.current of memory.max where the cgroup has a memory controller)"
    : 'peaks of the whole machine';
}

function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)
  ].join('\n');
}

/** How much of the CPU figures is the load generator's own. */
export function generatorNote(levels: { generatorCpu?: number }[]): string {
  const most = Math.max(0, ...levels.map((l) => l.generatorCpu ?? 0));
  return `wrk itself used at most ${most}% of one core`;
}

/** A y-axis top a little above the highest bar or the threshold line, on a round number. */
function axisTop(values: number[]): number {
  const top = Math.max(1, ...values) * 1.15;
  const step = 10 ** Math.floor(Math.log10(top));
  return Math.ceil(top / step) * step;
}

/**
 * A Mermaid xychart (GitHub renders it in the job summary): p95 per level as bars, the load-p95
 * threshold as a line. Only numbers and the host label (a checked host name) reach it.
 */
export function p95Chart(host: string, fact: LoadFact): string {
  const levels = fact.levels;
  const p95 = levels.map((l) => l.p95Ms);
  const limit = fact.thresholds.p95Ms;
  return [
    '```mermaid',
    'xychart-beta',
    `    title "p95 latency per level on ${host.replace(/"/g, '')} (line: load-p95)"`,
    `    x-axis "concurrent clients" [${levels.map((l) => `"${l.clients}"`).join(', ')}]`,
    `    y-axis "p95 latency (ms)" 0 --> ${axisTop([...p95, limit])}`,
    `    bar [${p95.join(', ')}]`,
    `    line [${levels.map(() => limit).join(', ')}]`,
    '```'
  ].join('\n');
}

/** The job summary's part for one host's load check; undefined when the host ran none. */
export function loadSummaryMarkdown(host: string, json: string | undefined): string | undefined {
  if (!json) return undefined;
  let fact: LoadFact;
  try {
    fact = JSON.parse(json) as LoadFact;
  } catch {
    return undefined;
  }
  if (!Array.isArray(fact.levels) || fact.levels.length === 0) return undefined;
  const t = fact.thresholds;
  const missed = fact.levels.flatMap((l) => l.missed.map((m) => `- ${l.clients} clients: ${m}`));
  return [
    `Load check on ${host}: ${fact.paths.join(', ')} through nginx${fact.target?.startsWith('https') ? ' over HTTPS' : ''}, ${fact.levelS} s per level, ` +
      `${fact.thinkMs ? `${fact.thinkMs} ms think time per client` : 'no think time'}; ` +
      `thresholds p95 ${t.p95Ms} ms, success ${t.successMin}%, CPU ${t.cpuMax}%, memory ${t.memoryMax}% ` +
      `(CPU and memory: ${sourceNote(fact.source)}, the load generator included: ${generatorNote(fact.levels)}).`,
    markdownTable(LOAD_HEADER, loadRows(fact.levels)),
    ...(missed.length ? [missed.join('\n')] : []),
    p95Chart(host, fact)
  ].join('\n\n');
}
