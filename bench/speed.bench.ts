/**
 * Issue 13's benchmark: a code-only deploy as users see it, process start to exit. Runs the BUNDLED
 * action (`node dist/index.js` with INPUT_* variables, as a runner does) and the CLI
 * (`node bin/gunicorn-deploy.js`, which loads dist/cli) as separate processes, ROUNDS rounds each,
 * for two trees: the example app as a git checkout (one file changed and committed per round) and
 * a 5,000-file tree that is not a git checkout (3 files changed per round), and examples/fastapi-app
 * as a git checkout under uvicorn workers (main.py changed per round). Each runner's rounds
 * run on a quiet server, then with a 100-client load loop against the app's socket. Beside them, in
 * the same run: a naive quick update (rsync of the code, then `systemctl restart`, then /health
 * polled until 200). Targets: on a quiet server (as the issue's 3.05 s was measured), git checkout
 * <= 1.5 s median wall and 5,000-file tree <= 2.0 s; under the load, 0 failed requests.
 * Run `npm run bundle` first (the bench runs dist/, not src/).
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../src/sandbox/index.js';
import { shQuote } from '../src/ssh/quote.js';
import { bootServer, stopServer } from '../__tests__/support/servers.js';
import {
  appCopy,
  deploy,
  inputsFor,
  onServer,
  startLoad,
  type LoadResult
} from '../__tests__/support/deploy.js';
import { readFileCommands, runnerEnv, runnerFiles } from '../__tests__/support/action.js';
import {
  ensureRsync,
  machine,
  machineBusyMs,
  median,
  printLine,
  printTable,
  run,
  secs,
  sshOptions,
  writeResults
} from './support.js';

const ROUNDS = 7;
/**
 * Each runner twice: on a quiet server (the wall-time targets: issue 13's 3.05 s was measured so)
 * and under a 100-client load on the app (0 failed requests; the deploy then shares the 2 cores
 * with the load generator and the app's workers). SPEED_BENCH_CLIENTS=N: only that one load.
 */
const LOADS = process.env.SPEED_BENCH_CLIENTS ? [Number(process.env.SPEED_BENCH_CLIENTS)] : [0, 100];
const BIG_FILES = 5000;
/**
 * SPEED_BENCH_BASELINE=DIR (another checkout, bundled): its dist/index.js runs too, right after
 * ours, on the same server and under the same load: a change measured against what it replaces in
 * one run, since this machine's figures drift by 20 % between runs.
 */
const BASELINE = process.env.SPEED_BENCH_BASELINE;
const SEED_SOCKET = '/run/seed/seed.sock';
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
  env: NodeJS.ProcessEnv
): Promise<{ code: number; out: string; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function actionRound(source: string, commit: string, dist = path.resolve('dist')): Promise<Round> {
  const files = await runnerFiles();
  try {
    const env = runnerEnv(await inputs(source, commit), files);
    const r = await spawnTimed([path.join(dist, 'index.js')], env);
    const outputs = await readFileCommands(files.output);
    if (r.code !== 0 || outputs.status !== 'deployed') throw new Error(`action failed:\n${r.out}`);
    const summary = await readFile(files.summary, 'utf8');
    return {
      wallMs: r.wallMs,
      runMs: Number(outputs['duration-ms']),
      roundTrips: roundTripsOf(r.out),
      steps: stepTimes(summary)
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
    steps: stepTimes(r.out)
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

async function installSeed(): Promise<void> {
  await onServer(
    server,
    `set -euo pipefail
id -u seed >/dev/null 2>&1 || useradd --system --home-dir /srv/seed --shell /usr/sbin/nologin seed
install -d -o ${shQuote(server.user)} -g ${shQuote(server.user)} /srv/seed /srv/seed/app
install -d -o seed -g seed /srv/seed/instance
cat > /etc/systemd/system/seed.service <<EOF
[Unit]
Description=naive quick update baseline
StartLimitIntervalSec=0
[Service]
Type=simple
User=seed
Group=seed
RuntimeDirectory=seed
Environment=INSTANCE_PATH=/srv/seed/instance FLASK_DEBUG=0
WorkingDirectory=/srv/seed/app
ExecStart=/usr/bin/python3 -m gunicorn --workers 2 --bind unix:${SEED_SOCKET} app:app
EOF
systemctl daemon-reload`
  );
}

/** rsync of the code, then restart and /health polled, from the runner: the naive script. */
async function naiveRound(source: string): Promise<number> {
  const ssh = ['ssh', ...(await sshOptions(server))].map(shQuote).join(' ');
  const t0 = performance.now();
  await run('rsync', [
    '-a',
    '--delete',
    '--exclude',
    '.git',
    '-e',
    ssh,
    `${source}/`,
    `${server.user}@${server.host}:/srv/seed/app/`
  ]);
  await run('ssh', [
    ...(await sshOptions(server)),
    `${server.user}@${server.host}`,
    `sudo -n systemctl restart seed.service && for i in $(seq 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' --unix-socket ${SEED_SOCKET} http://localhost/health)" = 200 ] && exit 0; sleep 0.05; done; exit 1`
  ]);
  return performance.now() - t0;
}

const stats = (xs: number[]): string[] => [secs(median(xs)), secs(Math.min(...xs)), secs(Math.max(...xs))];

test('code-only deploy, process start to exit: bundled action and CLI, git checkout and 5,000-file tree', async () => {
  await installSeed();
  const results: Record<string, unknown> = { machine: machine() };
  const rows: string[][] = [];
  const stepRows: string[][] = [];
  let n = 0;
  for (const [treeName, source] of [
    ['git checkout (example app)', gitApp],
    [`${BIG_FILES}-file tree, not git`, bigApp],
    ['git checkout (FastAPI example, uvicorn)', fastApp]
  ] as const) {
    const first = await deploy(server, source, { commit: `first-${n}`, ...extraInputs(source) });
    expect(first.report.error).toBeUndefined();
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
      ['CLI (bin/gunicorn-deploy.js)', cliRound]
    ];
    for (const [runner, round] of runners) {
      // One warm-up round (the runner's page cache), not counted.
      await change(source, ++n);
      await round(source, `warm-${n}`);
      for (const clients of LOADS) {
        const rounds: Round[] = [];
        const busy0 = machineBusyMs();
        const t0 = performance.now();
        const load =
          clients > 0
            ? await startLoad(server, { clients, app: source === fastApp ? 'api' : 'shop' })
            : { stop: async (): Promise<LoadResult> => ({ failed: 0, total: 0 }) as LoadResult };
        let loadResult: LoadResult;
        try {
          for (let i = 0; i < ROUNDS; i++) {
            await change(source, ++n);
            rounds.push(await round(source, `r-${n}`));
          }
        } finally {
          loadResult = await load.stop();
        }
        const busyShare = (machineBusyMs() - busy0) / ((performance.now() - t0) * 2);
        const walls = rounds.map((r) => r.wallMs);
        const loadName = clients > 0 ? `${clients} clients` : 'quiet';
        rows.push([
          treeName,
          runner,
          loadName,
          ...stats(walls),
          secs(median(rounds.map((r) => r.runMs))),
          String(median(rounds.map((r) => r.roundTrips))),
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
    }
    // The naive baseline is the Flask seed's: the same for every WSGI tree, none for ASGI.
    if (source === fastApp) continue;
    const naive: number[] = [];
    await naiveRound(source);
    for (let i = 0; i < ROUNDS; i++) {
      await change(source, ++n);
      naive.push(await naiveRound(source));
    }
    rows.push([treeName, 'naive rsync + restart', 'quiet', ...stats(naive), '-', '-', '-', '']);
    results[`${treeName} / naive`] = naive;
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
      'failed requests',
      'machine busy'
    ],
    rows
  );
  printTable('Per-step medians (s)', ['run', 'steps'], stepRows);
  printLine(`results: ${await writeResults('speed', results)}`);
}, 3_600_000);

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
