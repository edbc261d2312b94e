import { execFileSync } from 'node:child_process';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { parseLoadOutput, loadScript, targetOf, wrkScript } from '../../src/loadtest/wrk.js';
import { judge, loadRows, successRate, type LoadThresholds } from '../../src/loadtest/verdict.js';
import { loadSummaryMarkdown, p95Chart, type LoadFact } from '../../src/loadtest/summary.js';
import { summaryMarkdown, outputsOf, type RunReport } from '../../src/report.js';
import { runEngine } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import type { Remote } from '../../src/ssh/types.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string>) {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    mode: 'loadtest',
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function problems(over: Record<string, string>): string[] {
  try {
    settings(over);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

// What the load script prints for two levels: the first capped at 500, the second with failures.
const OUTPUT = [
  'gd-level clients=10 rc=0 cpu_permille=734 mem_permille=412 gen_permille=31',
  'gd-wrk responses=500 ok=500 connect=0 read=0 write=0 timeout=0 duration_us=2500000 p50_us=3100 p95_us=8420 p99_us=12050 max_us=20000 statuses=200:500',
  'gd-level clients=50 rc=0 cpu_permille=1000 mem_permille=433 gen_permille=58',
  'gd-wrk responses=480 ok=470 connect=3 read=1 write=0 timeout=0 duration_us=10000000 p50_us=40000 p95_us=612345 p99_us=900000 max_us=1200000 statuses=200:470,502:10'
].join('\n');

const T: LoadThresholds = { p95Ms: 500, successMin: 99, cpuMax: 80, memoryMax: 80 };

describe('load settings', () => {
  test("defaults: the seed's levels and thresholds", () => {
    const s = settings({}).load;
    expect(s).toEqual({
      enabled: false,
      clients: [10, 50, 100],
      levelMs: 10_000,
      maxRequests: 100_000,
      thinkMs: 1000,
      paths: [],
      p95Ms: 500,
      successMin: 99,
      cpuMax: 80,
      memoryMax: 80
    });
    expect(
      settings({ mode: 'verify', load: 'true', 'load-success': '99.5%', 'load-think-time': '0' }).load
    ).toMatchObject({ enabled: true, successMin: 99.5, thinkMs: 0 });
  });

  test('bounded: levels, duration, cap, paths and percentages are refused out of range', () => {
    const p = problems({
      'load-clients': '10,0,5000,x',
      'load-duration': '6m',
      'load-max-requests': '0',
      'load-paths': "/ok /bad'path",
      'load-cpu': '120',
      'load-p95': 'fast'
    });
    expect(p).toEqual([
      expect.stringMatching(/^input `load-clients`: .*1 to 1000, got '0'/),
      expect.stringMatching(/^input `load-clients`: .*got '5000'/),
      expect.stringMatching(/^input `load-clients`: .*got 'x'/),
      expect.stringMatching(/^input `load-duration`: must be a duration .* to 300s/),
      expect.stringMatching(/^input `load-p95`: /),
      expect.stringMatching(/^input `load-max-requests`: must be a whole number from 1/),
      expect.stringMatching(/^input `load-paths`: .*got '\/bad'path'/),
      expect.stringMatching(/^input `load-cpu`: must be a percentage from 0 to 100/)
    ]);
    expect(problems({ 'load-clients': '1,2,3,4,5,6,7,8,9,10,11' })).toEqual([
      expect.stringMatching(/^input `load-clients`: give 1 to 10 levels/)
    ]);
  });
});

describe('the load script', () => {
  test('quotes what reaches the shell and bounds every level', () => {
    const s = settings({ 'load-clients': '10,50', 'load-duration': '3s', 'load-max-requests': '200' }).load;
    const script = loadScript(s, 'example.com', ['/health', '/?q=a&b=c']);
    expect(script).toContain('# load_levels.sh\n');
    expect(script).toContain('-- "$cap" "$host" "${wrk_paths[@]}"');
    expect(script).toContain("\ncap='200'\nhost='example.com'\npaths='/health\n/?q=a&b=c'\n");
    expect(script).toContain("\nclients='10 50'\n");
    // The first path is probed for a redirect to HTTPS, with the same Host.
    expect(script).toContain('-H "Host: $host" "http://127.0.0.1${wrk_paths[0]:-/}"');
    expect(script).toContain('-s "$tmp/load.lua" "$wurl" --');
    expect(script).toContain("\nsecs='3'\ntimeout_s='8'\nkill_after='33'\n");
    // bash reads it (with and without think time).
    for (const think of ['0', '1s'])
      execFileSync('bash', ['-n'], {
        input: loadScript(settings({ 'load-think-time': think }).load, 'example.com', ['/health'])
      });
    // A long level: the histogram (and so wrk's timeout) stays at 65 s.
    const long = settings({ 'load-duration': '5m' }).load;
    expect(loadScript(long, 'h', ['/'])).toContain("\nsecs='300'\ntimeout_s='65'\n");
  });

  test('the target: plain HTTP unless the site redirected to HTTPS', () => {
    expect(targetOf('gd-target=https://127.0.0.1:443\ngd-level clients=1')).toBe('https://127.0.0.1:443');
    expect(targetOf('gd-target=http://127.0.0.1:80')).toBe('http://127.0.0.1:80');
    expect(targetOf('gd-target=https://evil.example:443')).toBe('http://127.0.0.1:80');
  });

  test('think time only when asked for: wrk then waits before each request', () => {
    // wrk looks for delay() when it loads the script: defined only when GD_THINK_MS is above 0.
    expect(wrkScript()).toContain(
      'local think = tonumber(os.getenv("GD_THINK_MS") or "0") or 0\nif think > 0 then\n  function delay()'
    );
    const s = (think: string): string => loadScript(settings({ 'load-think-time': think }).load, 'h', ['/']);
    expect(s('0')).toContain("\nthink_ms='0'\n");
    expect(s('1s')).toContain("\nthink_ms='1000'\n");
    expect(s('1s')).toContain('GD_THINK_MS="$think_ms" timeout');
  });
});

describe("parsing wrk's figures", () => {
  test('one result per level; requests = successes + failures; percentiles in ms', () => {
    const levels = parseLoadOutput(OUTPUT, 500);
    expect(levels).toHaveLength(2);
    expect(levels[0]).toMatchObject({
      clients: 10,
      requests: 500,
      successes: 500,
      failures: 0,
      p50Ms: 3.1,
      p95Ms: 8.4,
      p99Ms: 12.1,
      maxMs: 20,
      rps: 200,
      cpuPeak: 73.4,
      memoryPeak: 41.2,
      generatorCpu: 3.1,
      capped: true,
      statuses: { '200': 500 }
    });
    // Connection errors count as requests that failed.
    expect(levels[1]).toMatchObject({
      requests: 484,
      successes: 470,
      failures: 14,
      errors: { connect: 3, read: 1 },
      statuses: { '200': 470, '502': 10 },
      capped: false,
      rps: 48
    });
    for (const l of levels) {
      expect(l.requests).toBe(l.successes + l.failures);
      expect(l.p50Ms).toBeLessThanOrEqual(l.p95Ms);
      expect(l.p95Ms).toBeLessThanOrEqual(l.p99Ms);
    }
  });

  test('a level where wrk printed no figures keeps what it said', () => {
    const [l] = parseLoadOutput(
      'gd-level clients=10 rc=1 cpu_permille=5 mem_permille=300\ngd-wrk-out unable to connect to 127.0.0.1:80 Connection refused',
      100
    );
    expect(l!.problem).toBe('wrk exited 1; unable to connect to 127.0.0.1:80 Connection refused');
    expect(judge(l!, T).missed).toEqual([
      'no figures: wrk exited 1; unable to connect to 127.0.0.1:80 Connection refused'
    ]);
  });
});

describe('the verdict', () => {
  test('each missed threshold named with its input; success never rounded up to 100%', () => {
    const [a, b] = parseLoadOutput(OUTPUT, 500).map((l) => judge(l, T));
    expect(a!.missed).toEqual([]);
    expect(b!.missed).toEqual([
      'success 97.1% is under load-success 99% (10 x HTTP 502, 3 connect errors, 1 read error)',
      'p95 612.3 ms is over load-p95 500 ms',
      'CPU peak 100% is over load-cpu 80%'
    ]);
    expect(successRate({ ...b!, requests: 10_000, successes: 9_999 })).toBe(99.9);
    expect(loadRows([a!, b!])).toEqual([
      ['10', '500 (cap)', '100%', '3.1 ms', '8.4 ms', '12.1 ms', '200', '73.4%', '41.2%', 'ok'],
      ['50', '484', '97.1%', '40 ms', '612.3 ms', '900 ms', '48', '100%', '43.3%', 'FAILED']
    ]);
  });
});

describe('the job summary', () => {
  const levels = parseLoadOutput(OUTPUT, 500).map((l) => judge(l, T));
  const fact: LoadFact = { levels, thresholds: T, paths: ['/health'], thinkMs: 0, levelS: 10 };

  test('a Mermaid xychart: p95 per level as bars, load-p95 as a line', () => {
    expect(p95Chart('10.0.0.5', fact)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '    title "p95 latency per level on 10.0.0.5 (line: load-p95)"',
        '    x-axis "concurrent clients" ["10", "50"]',
        '    y-axis "p95 latency (ms)" 0 --> 800',
        '    bar [8.4, 612.3]',
        '    line [500, 500]',
        '```'
      ].join('\n')
    );
  });

  test("the host's section: the table, what missed, the chart; outputs load-ok and load-p95-ms", () => {
    const report: RunReport = {
      mode: 'loadtest',
      ok: false,
      status: 'failed',
      ms: 25_000,
      error: 'the load check missed its thresholds',
      hosts: [
        {
          host: '10.0.0.5',
          ok: false,
          status: 'failed',
          ms: 25_000,
          steps: [{ name: 'load check', ms: 24_000, ok: false }],
          facts: { 'load-ok': 'false', 'load-p95-ms': '612.3', load: JSON.stringify(fact) }
        }
      ]
    };
    const md = summaryMarkdown(report, ['load-ok', 'load-p95-ms']);
    expect(md).toContain(
      '| clients | requests | success | p50 | p95 | p99 | req/s | CPU peak | memory peak | result |'
    );
    expect(md).toContain('| 50 | 484 | 97.1% | 40 ms | 612.3 ms | 900 ms | 48 | 100% | 43.3% | FAILED |');
    expect(md).toContain('- 50 clients: p95 612.3 ms is over load-p95 500 ms');
    expect(md).toContain(
      'peaks of the whole machine, the load generator included: wrk itself used at most 5.8% of one core'
    );
    expect(md).toContain('```mermaid\nxychart-beta');
    expect(outputsOf(report)).toMatchObject({ 'load-ok': 'false', 'load-p95-ms': '612.3' });
    expect(loadSummaryMarkdown('h', undefined)).toBeUndefined();
    expect(loadSummaryMarkdown('h', 'not json')).toBeUndefined();
  });
});

test('with several servers, one that misses a threshold does not stop the check of the others', async () => {
  const s = settings({ host: 'web1, web2', 'load-clients': '10', 'load-cpu': '100' });
  // web1's only level is slow; web2's is fine. The first script a host runs reads the remembered settings.
  const answers: Record<string, string> = {
    web1: OUTPUT.split('\n').slice(2).join('\n').replace('clients=50', 'clients=10'),
    web2: OUTPUT.split('\n').slice(0, 2).join('\n')
  };
  const remote = (label: string): Remote => ({
    label,
    exec: async () => ({ code: 0, stdout: '', stderr: '', timedOut: false }),
    script: async (text) => ({
      code: 0,
      stdout: text.includes('# load_levels.sh') ? `gd-target=http://127.0.0.1:80\n${answers[label]}` : '',
      stderr: '',
      timedOut: false
    }),
    upload: async () => ({ files: 0, bytes: 0, ms: 0 }),
    close: async () => undefined
  });
  const { report } = await runEngine(s, { logger: memoryLogger(), connect: async (t) => remote(t.host) });
  expect(report.hosts.map((h) => [h.host, h.ok, h.status, h.facts['load-ok']])).toEqual([
    ['web1', false, 'failed', 'false'],
    ['web2', true, 'passed', 'true']
  ]);
  expect(report.error).toMatch(
    /^web1: the load check missed its thresholds on web1:\n {2}10 clients: success 97\.1%/
  );
});
