import { LOAD_LEVEL_MAX_MS, healthPathProblem, loadClientsProblem, percentProblem } from '../rules.js';

/** The load check: levels, how long and how hard each runs, and what counts as passing. */
export interface LoadSettings {
  /** Mode verify: run the load check after the checklist. */
  enabled: boolean;
  /** Concurrent clients, one level each, in the order given. */
  clients: number[];
  levelMs: number;
  /** Per level; the run stops at whichever comes first, the duration or this. */
  maxRequests: number;
  /** Each client waits this long between its requests (0: as fast as answers come, like ab and wrk). */
  thinkMs: number;
  /** Paths requested in turn ('' = health-path). */
  paths: string[];
  p95Ms: number;
  /** Percentages. */
  successMin: number;
  cpuMax: number;
  memoryMax: number;
}

/** Reads one input with its default (from action.yml) applied. */
type Get = (name: string) => string;

const MAX_LEVELS = 10;
const MAX_PATHS = 20;
const MAX_REQUESTS = 10_000_000;

/** '500ms', '2s', '1m', or a bare number of seconds; NaN when malformed. */
function ms(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(raw.trim());
  if (!m) return NaN;
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] ?? 's']!);
}

/** Every load-* input; each bad value adds one line to problems. */
export function parseLoadSettings(get: Get, problems: string[]): LoadSettings {
  const bad = (name: string, why: string): void => void problems.push(`input \`${name}\`: ${why}`);
  const enabledRaw = get('load');
  const enabled = /^(true|True|TRUE|yes|1)$/.test(enabledRaw);
  if (!enabled && !/^(false|False|FALSE|no|0|)$/.test(enabledRaw))
    bad('load', `must be true or false, got '${enabledRaw}'`);

  const clients: number[] = [];
  const levels = get('load-clients')
    .split(/[\s,]+/)
    .filter((s) => s !== '');
  for (const c of levels) {
    const p = loadClientsProblem(c);
    if (p) bad('load-clients', p);
    else clients.push(Number(c));
  }
  if (levels.length === 0 || levels.length > MAX_LEVELS)
    bad('load-clients', `give 1 to ${MAX_LEVELS} levels such as 10,50,100, got ${levels.length}`);

  const duration = (name: string, min: number, max: number): number => {
    const v = get(name);
    const n = ms(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      bad(name, `must be a duration from ${min}ms to ${max / 1000}s such as 10s or 500ms, got '${v}'`);
      return min;
    }
    return n;
  };
  const levelMs = duration('load-duration', 1000, LOAD_LEVEL_MAX_MS);
  const thinkMs = duration('load-think-time', 0, 60_000);
  const p95Ms = duration('load-p95', 1, 600_000);

  const capRaw = get('load-max-requests');
  const maxRequests = Number(capRaw);
  if (!/^\d+$/.test(capRaw) || maxRequests < 1 || maxRequests > MAX_REQUESTS)
    bad('load-max-requests', `must be a whole number from 1 to ${MAX_REQUESTS}, got '${capRaw}'`);

  const paths = get('load-paths')
    .split(/[\s,]+/)
    .filter((s) => s !== '');
  for (const p of paths) {
    const why = healthPathProblem(p);
    if (why) bad('load-paths', why);
  }
  if (paths.length > MAX_PATHS) bad('load-paths', `at most ${MAX_PATHS} paths, got ${paths.length}`);

  const percent = (name: string): number => {
    const v = get(name);
    const why = percentProblem(v);
    if (why) bad(name, why);
    return why ? 0 : Number(v.replace('%', '').trim());
  };
  return {
    enabled,
    clients,
    levelMs,
    maxRequests: Number.isFinite(maxRequests) ? maxRequests : 1,
    thinkMs,
    paths,
    p95Ms,
    successMin: percent('load-success'),
    cpuMax: percent('load-cpu'),
    memoryMax: percent('load-memory')
  };
}
