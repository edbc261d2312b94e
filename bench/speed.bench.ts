/**
 * The speed bench: a code-only deploy as users see it, process start to exit. Runs the BUNDLED
 * action (`node dist/index.js` with INPUT_* variables, as a runner does) and the CLI
 * (`node bin/gunicorn-deploy.js`, which loads dist/cli) as separate processes, ROUNDS rounds each,
 * for three trees: the example app as a git checkout (one file changed and committed per round), a
 * 5,000-file tree that is not a git checkout (3 files changed per round), and examples/fastapi-app
 * as a git checkout under uvicorn workers (main.py changed per round). Each runner's rounds run on a
 * quiet server, under 20 clients and under 100 (a load loop on the app's socket). Beside them, under
 * the same load, in the same run: the quick update teams script (quick-update.ts: rsync, pip install
 * -r, `systemctl reload` or `restart`, then wait until the new version answers), and the ratio of
 * ours to it. Run `npm run bundle` first (the bench runs dist/, not src/).
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { SandboxServer } from '../src/sandbox/index.js';
import { bootServer, stopServer } from '../__tests__/support/servers.js';
import { appCopy, deploy, inputsFor, startLoad, type LoadResult } from '../__tests__/support/deploy.js';
import { readFileCommands, runnerEnv, runnerFiles } from '../__tests__/support/action.js';
import {
  ensureRsync,
  machine,
  machineBusyMs,
  median,
  printLine,
  printTable,
  ratio,
  secs,
  writeResults
} from './support.js';
import { RUNNER_TRACE, timeline, traceServer, type RunnerEvent, type ServerEvent } from './trace/timeline.js';
import { appWorkers, installQuickUpdate, QUICK_SOCKET, quickRound, type QuickKind } from './quick-update.js';

const ROUNDS = 7;
/**
 * Each runner three times: on a quiet server (the wall-time targets), under 20 clients and under
 * 100 on the app (0 failed requests; the deploy then shares the 2 cores with the load generator and
 * the app's workers). SPEED_BENCH_CLIENTS=N[,M]: only those loads.
 */
const LOADS = process.env.SPEED_BENCH_CLIENTS
  ? process.env.SPEED_BENCH_CLIENTS.split(',').map(Number)
  : [0, 20, 100];
/** SPEED_BENCH_TREES=git,big,fastapi: only those trees (all three by default). */
const TREES = process.env.SPEED_BENCH_TREES?.split(',');
/** SPEED_BENCH_CLI=0: the bundled action only (the CLI loads the same engine). */
const WITH_CLI = process.env.SPEED_BENCH_CLI !== '0';
/** Traced deploys (the critical path's timeline), quiet. */
const TRACED = Number(process.env.SPEED_BENCH_TRACED ?? 2);
/** SPEED_BENCH_CPU_PROFILES=DIR: each traced runner also writes V8's CPU profile there (where its own time goes). */
const CPU_PROFILES = process.env.SPEED_BENCH_CPU_PROFILES;
const QUICK_KINDS: QuickKind[] = ['reload', 'restart'];
const BIG_FILES = 5000;
/**
 * SPEED_BENCH_BASELINE=DIR (another checkout, bundled): its dist/index.js runs too, right after
 * ours, on the same server and under the same load: a change measured against what it replaces in
 * one run, since this machine's figures drift by 20 % between runs.
 */
const BASELINE = process.env.SPEED_BENCH_BASELINE;
const exec = promisify(execFile);

let server: SandboxServer;
let gitApp: string;
let bigApp: string;
/** examples/fastapi-app as a git checkout: the FastAPI row, under uvicorn workers. */
let fastApp: string;
let keyFile: string;
/** The FastAPI tree's own inputs, on top of the example app's. */
const FASTAPI = { 'app-name': 'api', 'wsgi-app': 'main:app', 'worker-class': 'uvicorn', 'sqlite-db': '' };
const extraInputs = (source: string): Record<string, string> => (source === fastApp ? FASTAPI : {});

const git = (dir: string, ...args: string[]) =>
  exec('git', ['-C', dir, '-c', 'user.name=b', '-c', 'user.email=b@example.com', ...args]);

beforeAll(async () => {
  server = await bootServer();
  keyFile = server.privateKeyPath;
  gitApp = await appCopy();
  await git(gitApp, 'init', '-q');
  await git(gitApp, 'add', '.');
  await git(gitApp, 'commit', '-q', '-m', 'first');
  // mkdtemp makes it 0700, and rsync -a carries that over: the naive service's user could not enter.
  await chmod(gitApp, 0o755);
  bigApp = await appCopy();
  for (let i = 0; i < BIG_FILES; i++) {
    const dir = path.join(bigApp, 'pkg', `m${i % 50}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `f${i}.py`), `# file ${i}\nVALUE = ${i}\n`);
  }
  await chmod(bigApp, 0o755);
  fastApp = await mkdtemp(path.join(os.tmpdir(), 'gd-fastapi-'));
  await cp(path.resolve('examples/fastapi-app'), fastApp, { recursive: true });
  await git(fastApp, 'init', '-q');
  await git(fastApp, 'add', '.');
  await git(fastApp, 'commit', '-q', '-m', 'first');
  await ensureRsync(server);
}, 900_000);

afterAll(async () => {
  for (const d of [gitApp, bigApp, fastApp]) if (d) await rm(d, { recursive: true, force: true });
  if (server) await stopServer(server);
});

interface Round {
  wallMs: number;
  /** The `duration-ms` output: the engine's own figure, inside the process. */
  runMs: number;
  roundTrips: number;
  steps: Record<string, number>;
  /** CPU time of every process in the sandbox server during the round (its cgroup), ms. */
  serverCpuMs: number;
}

/** The sandbox server's CPU time so far (its cgroup's usage_usec), ms; NaN where it is not found. */
async function serverCpuMs(): Promise<number> {
  const leaf = `gunicorn-deploy-sandbox-${server.name}`;
  for (const dir of [
    `/sys/fs/cgroup/unified/${leaf}`,
    `/sys/fs/cgroup/${leaf}`,
    `/sys/fs/cgroup/system.slice/${leaf}.scope`
  ]) {
    const text = await readFile(`${dir}/cpu.stat`, 'utf8').catch(() => '');
    const m = /^usage_usec (\d+)$/m.exec(text);
    if (m) return Number(m[1]) / 1000;
  }
  return NaN;
}

/** Step rows as the CLI prints them and the summary holds them: `name  0.12 s  ok  detail`. */
function stepTimes(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^\|? ?([a-z][a-z -]*?) +\|? ?(\d+\.\d\d) s +\|? ?(ok|unchanged|FAILED)/gm))
    out[m[1]!.trim()] = Number(m[2]) * 1000;
  return out;
}

function roundTripsOf(text: string): number {
  const m = /(\d+) round trips?\b/.exec(text);
  return m ? Number(m[1]) : NaN;
}

function spawnTimed(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = []
): Promise<{ code: number; out: string; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out, wallMs: performance.now() - t0 }));
  });
}

async function inputs(source: string, commit: string): Promise<Record<string, string>> {
  const over = { commit, 'known-hosts': server.knownHosts, ...extraInputs(source) };
  return { ...inputsFor(server, source, over), 'private-key': await readFile(keyFile, 'utf8') };
}

async function actionRound(
  source: string,
  commit: string,
  dist = path.resolve('dist'),
  /** Loaded before the action with --import, and its extra environment (the critical path's trace). */
  preload?: { module: string; env: NodeJS.ProcessEnv; nodeArgs?: string[] },
  /** Inputs over the tree's (another app-name: a first deploy). */
  over: Record<string, string> = {}
): Promise<Round> {
  const files = await runnerFiles();
  try {
    const env = {
      ...runnerEnv({ ...(await inputs(source, commit)), ...over }, files),
      // Each bundle with its own checkout's templates (a baseline's scripts may have other names).
      GITHUB_ACTION_PATH: path.dirname(dist),
      ...preload?.env
    };
    const cpu0 = await serverCpuMs();
    const r = await spawnTimed(
      [path.join(dist, 'index.js')],
      env,
      preload ? ['--import', pathToFileURL(preload.module).href, ...(preload.nodeArgs ?? [])] : []
    );
    const serverCpu = (await serverCpuMs()) - cpu0;
    const outputs = await readFileCommands(files.output);
    if (r.code !== 0 || outputs.status !== 'deployed') throw new Error(`action failed:\n${r.out}`);
    const summary = await readFile(files.summary, 'utf8');
    return {
      wallMs: r.wallMs,
      runMs: Number(outputs['duration-ms']),
      roundTrips: roundTripsOf(r.out),
      steps: stepTimes(summary),
      serverCpuMs: serverCpu
    };
  } finally {
    await rm(files.dir, { recursive: true, force: true });
  }
}

async function cliRound(source: string, commit: string): Promise<Round> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [k, v] of Object.entries(await inputs(source, commit)))
    env[`GUNICORN_DEPLOY_${k.toUpperCase().replace(/-/g, '_')}`] = v;
  const r = await spawnTimed([path.resolve('bin/gunicorn-deploy.js'), 'deploy', '--json'], env);
  if (r.code !== 0) throw new Error(`CLI failed:\n${r.out}`);
  const json = r.out.split('\n').find((l) => l.startsWith('{"status"'));
  const outputs = JSON.parse(json ?? '{}') as Record<string, string>;
  return {
    wallMs: r.wallMs,
    runMs: Number(outputs['duration-ms']),
    roundTrips: roundTripsOf(r.out),
    steps: stepTimes(r.out),
    serverCpuMs: NaN
  };
}

/** One code-only change: a committed edit in the git checkout, 3 edited files in the big tree. */
async function change(source: string, n: number): Promise<void> {
  if (source === gitApp || source === fastApp) {
    const file = path.join(source, source === gitApp ? 'app.py' : 'main.py');
    await writeFile(file, (await readFile(file, 'utf8')) + `\n# round ${n}\n`);
    await git(source, 'commit', '-q', '-am', `round ${n}`);
    return;
  }
  for (const i of [1, 2, 3]) {
    await writeFile(path.join(bigApp, 'pkg', `m${i}`, `f${i}.py`), `# round ${n}\nVALUE = ${n}\n`);
  }
}

/** Runs fn with `clients` clients on a socket (the app's by default); none for 0. */
async function underLoad<T>(
  clients: number,
  source: string,
  fn: () => Promise<T>,
  socket?: string
): Promise<{ value: T; load: LoadResult; busyShare: number }> {
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  const load =
    clients > 0
      ? await startLoad(server, { clients, socket, app: source === fastApp ? 'api' : 'shop' })
      : { stop: async (): Promise<LoadResult> => ({ failed: 0, total: 0 }) as LoadResult };
  let value: T;
  let loadResult: LoadResult;
  try {
    value = await fn();
  } finally {
    loadResult = await load.stop();
  }
  return { value, load: loadResult, busyShare: (machineBusyMs() - busy0) / ((performance.now() - t0) * 2) };
}

const stats = (xs: number[]): string[] => [secs(median(xs)), secs(Math.min(...xs)), secs(Math.max(...xs))];

test('code-only deploy, process start to exit: bundled action and CLI against the quick update, git checkout and 5,000-file tree', async () => {
  const results: Record<string, unknown> = { machine: machine() };
  const rows: string[][] = [];
  const stepRows: string[][] = [];
  const ratioRows: string[][] = [];
  let n = 0;
  const trees = (
    [
      ['git', 'git checkout (example app)', gitApp],
      ['big', `${BIG_FILES}-file tree, not git`, bigApp],
      ['fastapi', 'git checkout (FastAPI example, uvicorn)', fastApp]
    ] as const
  ).filter(([key]) => !TREES || TREES.includes(key));
  for (const [, treeName, source] of trees) {
    const first = await deploy(server, source, { commit: `first-${n}`, ...extraInputs(source) });
    expect(first.report.error).toBeUndefined();
    // The quick update is the Flask seed's: the same for every WSGI tree, none for ASGI.
    const quick = source !== fastApp;
    if (quick) await installQuickUpdate(server, await appWorkers(server, 'shop'));
    const runners: [string, (source: string, commit: string) => Promise<Round>][] = [
      ['action (dist/index.js)', (src, commit) => actionRound(src, commit)],
      ...(BASELINE
        ? [
            [
              `action, baseline (${path.basename(BASELINE)})`,
              (src: string, commit: string) => actionRound(src, commit, path.resolve(BASELINE, 'dist'))
            ] as [string, (source: string, commit: string) => Promise<Round>]
          ]
        : []),
      ...(WITH_CLI ? [['CLI (bin/gunicorn-deploy.js)', cliRound] as [string, typeof cliRound]] : [])
    ];
    // One warm-up round each (the runner's page cache, the quick update's first start), not counted.
    for (const [, round] of runners) {
      await change(source, ++n);
      await round(source, `warm-${n}`);
    }
    if (quick) for (const kind of QUICK_KINDS) await quickRound(server, source, kind, `warm-${++n}`);
    for (const clients of LOADS) {
      const loadName = clients > 0 ? `${clients} clients` : 'quiet';
      const medians: Record<string, number> = {};
      // Ours, then the quick update's two forms, one after another under the same load.
      for (const [runner, round] of runners) {
        const {
          value: rounds,
          load: loadResult,
          busyShare
        } = await underLoad(clients, source, async () => {
          const rs: Round[] = [];
          for (let i = 0; i < ROUNDS; i++) {
            await change(source, ++n);
            rs.push(await round(source, `r-${n}`));
          }
          return rs;
        });
        const walls = rounds.map((r) => r.wallMs);
        medians[runner] = median(walls);
        rows.push([
          treeName,
          runner,
          loadName,
          ...stats(walls),
          secs(median(rounds.map((r) => r.runMs))),
          String(median(rounds.map((r) => r.roundTrips))),
          clients > 0 ? '-' : secs(median(rounds.map((r) => r.serverCpuMs))),
          clients > 0 ? `${loadResult.failed} of ${loadResult.total}` : '-',
          `${Math.round(busyShare * 100)} %`
        ]);
        const names = Object.keys(rounds[0]!.steps);
        stepRows.push([
          `${treeName}, ${runner}, ${loadName}`,
          names.map((s) => `${s} ${secs(median(rounds.map((r) => r.steps[s] ?? 0)))}`).join(', ')
        ]);
        results[`${treeName} / ${runner} / ${loadName}`] = { rounds, load: loadResult, busyShare };
        printLine(`  ${rows.at(-1)!.join(' | ')}\n  ${stepRows.at(-1)!.join(': ')}`);
        expect(loadResult.failed).toBe(0);
      }
      if (!quick) continue;
      for (const kind of QUICK_KINDS) {
        const r = await underLoad(
          clients,
          source,
          async () => {
            const walls: number[] = [];
            for (let i = 0; i < ROUNDS; i++) {
              await change(source, ++n);
              walls.push(await quickRound(server, source, kind, `q-${kind}-${n}`));
            }
            return walls;
          },
          QUICK_SOCKET
        );
        // Rounds whose new version never answered (NaN) are counted apart, not timed.
        const served = r.value.filter((w) => Number.isFinite(w));
        const never = r.value.length - served.length;
        medians[kind] = median(served);
        rows.push([
          treeName,
          `quick update: rsync, pip install -r, ${kind}${never ? ` (${never} of ${r.value.length} never served the new version)` : ''}`,
          loadName,
          ...(served.length ? stats(served) : ['-', '-', '-']),
          '-',
          '-',
          '-',
          clients > 0 ? `${r.load.failed} of ${r.load.total}` : '-',
          `${Math.round(r.busyShare * 100)} %`
        ]);
        results[`${treeName} / quick ${kind} / ${loadName}`] = {
          walls: r.value,
          load: r.load,
          busyShare: r.busyShare
        };
        printLine(`  ${rows.at(-1)!.join(' | ')}`);
      }
      for (const [runner] of runners)
        ratioRows.push([
          treeName,
          runner,
          loadName,
          ratio(medians[runner]! / medians.reload!),
          ratio(medians[runner]! / medians.restart!)
        ]);
    }
  }
  // A first deploy's server CPU (a new app-name: venv, units, first start), ours and the baseline.
  const firstRows: string[][] = [];
  if (!TREES || TREES.includes('git')) {
    const firsts: [string, string][] = [['action (dist/index.js)', path.resolve('dist')]];
    if (BASELINE) firsts.push([`baseline (${path.basename(BASELINE)})`, path.resolve(BASELINE, 'dist')]);
    for (const [runner, dist] of firsts) {
      const r = await actionRound(gitApp, `first-cpu-${++n}`, dist, undefined, {
        'app-name': `cpu${firstRows.length}`
      });
      firstRows.push([runner, secs(r.wallMs), secs(r.serverCpuMs)]);
      results[`first deploy / ${runner}`] = r;
    }
  }
  printTable(
    `Code-only deploy, process start to exit, ${ROUNDS} rounds each`,
    [
      'tree',
      'runner',
      'load on the app',
      'wall median',
      'min',
      'max',
      'duration-ms median',
      'round trips',
      'server CPU (quiet)',
      'failed requests',
      'machine busy'
    ],
    rows
  );
  printTable(
    'Ours against the quick update, same run, medians',
    ['tree', 'runner', 'load', 'ours / reload', 'ours / restart'],
    ratioRows
  );
  printTable('Per-step medians (s)', ['run', 'steps'], stepRows);
  printTable('First deploy of a new app (quiet)', ['runner', 'wall', 'server CPU'], firstRows);
  printLine(`results: ${await writeResults('speed', results)}`);
}, 3_600_000);

test('critical path of one code-only deploy: the runner and the server on one clock (quiet)', async () => {
  const first = await deploy(server, gitApp, { commit: 'trace-first' });
  expect(first.report.error).toBeUndefined();
  await change(gitApp, 9000);
  await actionRound(gitApp, 'trace-warm');
  const runs: Record<string, unknown>[] = [];
  for (let i = 1; i <= TRACED; i++) {
    await change(gitApp, 9000 + i);
    const traceFile = path.join(os.tmpdir(), `gd-trace-${process.pid}-${i}.json`);
    const sampler = await traceServer(server);
    let round: Round;
    let serverEvents: ServerEvent[] = [];
    try {
      round = await actionRound(gitApp, `trace-${i}`, path.resolve('dist'), {
        module: RUNNER_TRACE,
        env: { TRACE_FILE: traceFile },
        nodeArgs: CPU_PROFILES
          ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILES}`, '--cpu-prof-interval=200']
          : []
      });
    } finally {
      serverEvents = await sampler.stop();
    }
    const runner = JSON.parse(await readFile(traceFile, 'utf8')) as { start: number; events: RunnerEvent[] };
    await rm(traceFile, { force: true });
    const rows = timeline(runner, serverEvents);
    printTable(
      `Traced deploy ${i}: ${secs(round.wallMs)} s wall (steps: ${Object.entries(round.steps)
        .map(([k, v]) => `${k} ${secs(v)}`)
        .join(', ')})`,
      ['ms from start', 'where', 'what'],
      rows
    );
    runs.push({ round, runner, server: serverEvents });
  }
  printLine(`results: ${await writeResults('speed-trace', { machine: machine(), runs })}`);
});

test('one root command: its own channel + sudo, against the root shell (unloaded)', async () => {
  const { connect } = await import('../src/ssh/connection.js');
  const { memoryLogger } = await import('../src/log.js');
  const remote = await connect(
    {
      host: server.host,
      port: server.port,
      user: server.user,
      privateKey: await readFile(keyFile, 'utf8'),
      knownHosts: server.knownHosts
    },
    memoryLogger()
  );
  try {
    const N = 30;
    const time = async (opts: Parameters<typeof remote.script>[1]): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < N; i++) {
        const t0 = performance.now();
        const res = await remote.script('true', { sudo: true, ...opts });
        expect(res.code).toBe(0);
        out.push(performance.now() - t0);
      }
      return out;
    };
    // A live-output callback makes a command ineligible for the shell: the old way, one channel each.
    const own = await time({ onStdout: () => undefined });
    const shell = await time({});
    const ms = (xs: number[]): string[] =>
      [median(xs), Math.min(...xs), Math.max(...xs)].map((x) => x.toFixed(1));
    printTable(
      `${N} root commands (\`true\`), one after another, ms`,
      ['how', 'median', 'min', 'max'],
      [
        ['own exec channel + sudo (before)', ...ms(own)],
        ['root shell (one sudo per connection)', ...ms(shell)]
      ]
    );
    await writeResults('speed-request', { machine: machine(), own, shell });
  } finally {
    await remote.close();
  }
});
