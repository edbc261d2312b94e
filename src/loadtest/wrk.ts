import { serverLua, serverScript } from '../render/scripts.js';
import type { LoadSettings } from '../settings.js';

/**
 * The load generator is Debian's wrk, run on the server itself against nginx on 127.0.0.1 (port 80,
 * or 443 when plain HTTP only redirects to HTTPS).
 * wrk is event-driven C: one thread keeps 100 connections busy for a fraction of one core, where
 * a Python client's threads spend the same core on the GIL and add their own waiting to every
 * latency they measure. Its latency histogram has microsecond buckets, so the percentiles are
 * exact. Its own error counters are not enough to make requests = successes + failures (a
 * timeout is counted every 2 s a request is still pending), so a Lua script counts every
 * response by status and stops the run at the requests cap.
 */

/**
 * The Lua script (templates/scripts/load.lua): counts per status, think time when GD_THINK_MS says,
 * and a stop at the cap. The load script writes it where wrk reads it.
 */
export function wrkScript(): string {
  return serverLua('load');
}

/** What the CPU and memory figures are of: the machine, or (in a container) its cgroup. */
export function sourceOf(stdout: string): 'cgroup' | 'machine' {
  return /^gd-source=cgroup$/m.test(stdout) ? 'cgroup' : 'machine';
}

/** A level's wall time limit on the server: wrk's own duration, then it is killed. */
export function levelSeconds(s: LoadSettings): number {
  return Math.max(1, Math.round(s.levelMs / 1000));
}

/**
 * One script for every level (templates/scripts/load_levels.sh, with load_usage.sh's functions):
 * wrk with a sampler of CPU and memory every 0.5 s beside it, whose peaks are the server's, load
 * generator included. A request may take at most the level's length plus 5 s (65 s at most: wrk's
 * histogram is allocated for its timeout, and nginx answers 504 after 60 s anyway).
 */
export function loadScript(s: LoadSettings, host: string, paths: string[]): string {
  const secs = levelSeconds(s);
  return (
    serverScript('load_usage', {}) +
    serverScript('load_levels', {
      lua: wrkScript(),
      think_ms: Math.max(0, Math.round(s.thinkMs)),
      secs,
      timeout_s: Math.min(secs + 5, 65),
      kill_after: secs + 30,
      clients: s.clients.join(' '),
      cap: s.maxRequests,
      host,
      paths: paths.join('\n')
    })
  );
}

/** One level's figures, as the table shows them. */
export interface LevelResult {
  clients: number;
  /** Every request that got an answer or an error: successes + failures. */
  requests: number;
  successes: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  rps: number;
  /** Peaks of the whole machine during the level, percent. */
  cpuPeak: number;
  memoryPeak: number;
  /** CPU wrk itself used during the level, percent of one core (part of cpuPeak). */
  generatorCpu: number;
  /** Stopped by the requests cap before its duration. */
  capped: boolean;
  /** Answers by HTTP status, and connection errors by kind. */
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** What wrk said when it printed no figures (a failed start). */
  problem?: string;
}

const num = (v: string | undefined): number => (v && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : 0);

function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.split(' ').slice(1)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Where the levels were sent: http://127.0.0.1:80, or :443 over HTTPS for a site that redirects. */
export function targetOf(stdout: string): string {
  return /^gd-target=(https?:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1] ?? 'http://127.0.0.1:80';
}

/** The script's output -> one result per level, in the order run. */
export function parseLoadOutput(stdout: string, cap: number): LevelResult[] {
  const levels: LevelResult[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('gd-level ')) {
      const f = fields(line);
      levels.push({
        clients: num(f.clients),
        requests: 0,
        successes: 0,
        failures: 0,
        p50Ms: 0,
        p95Ms: 0,
        p99Ms: 0,
        maxMs: 0,
        rps: 0,
        cpuPeak: num(f.cpu_permille) / 10,
        memoryPeak: num(f.mem_permille) / 10,
        generatorCpu: num(f.gen_permille) / 10,
        capped: false,
        statuses: {},
        errors: {},
        problem:
          num(f.rc) !== 0
            ? `wrk exited ${f.rc}${f.rc === '124' ? ' (killed at its time limit)' : ''}`
            : undefined
      });
      continue;
    }
    const level = levels.at(-1);
    if (!level) continue;
    if (line.startsWith('gd-wrk-out ')) {
      level.problem = [level.problem, line.slice('gd-wrk-out '.length)].filter(Boolean).join('; ');
    } else if (line.startsWith('gd-wrk ')) {
      const f = fields(line);
      const errors: Record<string, number> = {};
      for (const k of ['connect', 'read', 'write', 'timeout']) if (num(f[k]) > 0) errors[k] = num(f[k]);
      const statuses: Record<string, number> = {};
      for (const pair of (f.statuses ?? '').split(',')) {
        const [code, count] = pair.split(':');
        if (code && /^\d{3}$/.test(code)) statuses[code] = num(count);
      }
      const responses = num(f.responses);
      const requests = responses + Object.values(errors).reduce((a, b) => a + b, 0);
      const durationS = num(f.duration_us) / 1e6;
      Object.assign(level, {
        requests,
        successes: num(f.ok),
        failures: requests - num(f.ok),
        p50Ms: round1(num(f.p50_us) / 1000),
        p95Ms: round1(num(f.p95_us) / 1000),
        p99Ms: round1(num(f.p99_us) / 1000),
        maxMs: round1(num(f.max_us) / 1000),
        rps: durationS > 0 ? round1(responses / durationS) : 0,
        capped: responses >= cap,
        statuses,
        errors,
        // Figures came: an exit code from wrk alone is not a failed level.
        problem: undefined
      });
    }
  }
  return levels;
}
