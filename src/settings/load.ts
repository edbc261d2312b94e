import { LOAD_LEVEL_MAX_MS, healthPathProblem, loadClientsProblem, percentProblem } from '../rules.js';
import { parseDuration, type Inputs, type Problems } from './inputs.js';

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

/** Load levels and paths: separated by commas, spaces or newlines (`10,50,100` or `10 50 100`). */
const ITEMS = /[\s,]+/;

const MAX_LEVELS = 10;
const MAX_PATHS = 20;
const MAX_REQUESTS = 10_000_000;

/** Every load-* input; each bad value adds one line to problems. */
export function parseLoadSettings(read: Inputs, problems: Problems): LoadSettings {
  const get = read.get;
  const bad = (name: string, why: string): void => void problems.push(`input \`${name}\`: ${why}`);
  const enabled = read.bool('load');

  const clients: number[] = [];
  const levels = read.list('load-clients', ITEMS);
  for (const c of levels) {
    const p = loadClientsProblem(c);
    if (p) bad('load-clients', p);
    else clients.push(Number(c));
  }
  if (levels.length === 0 || levels.length > MAX_LEVELS)
    bad('load-clients', `give 1 to ${MAX_LEVELS} levels such as 10,50,100, got ${levels.length}`);

  const duration = (name: string, min: number, max: number): number => {
    const v = get(name);
    const n = parseDuration(v);
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

  const paths = read.list('load-paths', ITEMS);
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
