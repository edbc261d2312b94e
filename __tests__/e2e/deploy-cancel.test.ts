import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, editFile, getJson, inputsFor, onServer } from '../support/deploy.js';
import { runnerCommands } from '../support/runner-commands.js';
import {
  postEnv,
  runAction,
  runnerEnv,
  runnerFiles,
  startAction,
  type ActionRun
} from '../support/action.js';

// A cancelled run is a fault like any other. The bundled action is run as a runner runs it, and
// cancelled as GitHub cancels: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that, then the
// post step. Whatever point the cancel hits, the release that was serving serves afterwards and is
// healthy, the lock is free, and the server's history has a line.
let server: SandboxServer;
let key: string;
let good: string;
let seq = 0;

beforeAll(async () => {
  server = await bootServer();
  key = await readFile(server.privateKeyPath, 'utf8');
  const app = await appCopy();
  const files = await runnerFiles();
  const res = await runAction(runnerEnv({ 'private-key': key, ...inputsFor(server, app) }, files));
  expect(res.code).toBe(0);
  good = (await serving()).release;
});
afterAll(async () => {
  if (server) await stopServer(server);
});

async function serving(): Promise<{ status: number; release: string }> {
  const h = await getJson(server, '/health');
  return { status: h.status, release: h.body?.release as string };
}

async function lockIsFree(): Promise<boolean> {
  const out = await onServer(
    server,
    'flock -n /srv/shop/.deploy/lock true && echo free || echo held; cat /srv/shop/.deploy/lock.owner 2>/dev/null || true'
  );
  return out.startsWith('free');
}

async function historyLines(): Promise<Record<string, string>[]> {
  const text = await onServer(server, 'cat /srv/shop/.deploy/history.log 2>/dev/null || true');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, string>);
}

/**
 * A copy of the example app whose /health answers 500 once live (PWD .../current), so its
 * candidate boot passes and the run reaches verify, which then never passes.
 */
async function brokenHealth(): Promise<string> {
  const dir = await appCopy();
  await editFile(
    dir,
    'app.py',
    (t) =>
      `${t}\nimport os\n@app.before_request\ndef _broken():\n    if os.environ.get("PWD", "").endswith("/current") and request.path == "/health":\n        return "broken on purpose", 500\n`
  );
  return dir;
}

/** Resolves once the action's log shows the group of `step` starting. */
function stepStarted(child: ChildProcess, step: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer): void => {
      out += c.toString();
      if (new RegExp(`^::group::[^\\n]*: ${step}$`, 'm').test(out)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('close', () => reject(new Error(`the action ended before step ${step}:\n${out}`)));
  });
}

/** What a runner does on cancel: SIGINT, SIGTERM ~7.5 s later, SIGKILL ~2.5 s after that. */
async function cancelLikeGithub(child: ChildProcess, done: Promise<ActionRun>): Promise<ActionRun> {
  child.kill('SIGINT');
  const timers: NodeJS.Timeout[] = [
    setTimeout(() => child.kill('SIGTERM'), 7_500),
    setTimeout(() => child.kill('SIGKILL'), 10_000)
  ];
  const res = await done;
  timers.forEach(clearTimeout);
  return res;
}

/** A run to cancel: its own run id (the lock owner and the post step's key) and files. */
async function startRun(source: string, over: Record<string, string> = {}) {
  const files = await runnerFiles();
  const env = runnerEnv({ 'private-key': key, ...inputsFor(server, source), ...over }, files, {
    GITHUB_RUN_ID: `cancel-${process.pid}-${++seq}`
  });
  const { child, done } = startAction(env);
  return { env, files, child, done };
}

test('cancelled during verify (a release answering 500): rolled back before the run ends', async () => {
  const before = (await historyLines()).length;
  const r = await startRun(await brokenHealth(), { 'health-timeout': '120s', commit: 'a'.repeat(40) });
  await stepStarted(r.child, 'verify');
  const started = Date.now();
  const res = await cancelLikeGithub(r.child, r.done);
  // Well before the SIGTERM: nothing waited for the health timeout.
  expect(Date.now() - started).toBeLessThan(7_500);
  expect(res.code).toBe(1);
  expect(res.stdout).toMatch(/SIGINT: the run was cancelled/);
  const post = await runAction(await postEnv(r.env, r.files));
  expect(post.code).toBe(0);
  expect(await serving()).toEqual({ status: 200, release: good });
  expect(await lockIsFree()).toBe(true);
  const lines = (await historyLines()).slice(before);
  expect(lines).toEqual([expect.objectContaining({ event: 'deploy', status: 'rolled-back', to: good })]);
  expect(lines[0]!.release).toMatch(/-aaaaaaa$/);
});

test('cancelled during the switch: the switched release is rolled back, unproven', async () => {
  const before = (await historyLines()).length;
  // A healthy release: only the cancellation can be why it does not stay.
  const app = await appCopy();
  await editFile(app, 'app.py', (t) => `${t}\n# a code change ${Date.now()}\n`);
  const r = await startRun(app, { commit: 'b'.repeat(40) });
  await stepStarted(r.child, 'switch');
  const res = await cancelLikeGithub(r.child, r.done);
  expect(res.code).toBe(1);
  const post = await runAction(await postEnv(r.env, r.files));
  expect(post.code).toBe(0);
  expect(await serving()).toEqual({ status: 200, release: good });
  expect(await lockIsFree()).toBe(true);
  const lines = (await historyLines()).slice(before);
  expect(lines).toEqual([expect.objectContaining({ event: 'deploy', status: 'rolled-back', to: good })]);
  expect(lines[0]!.release).toMatch(/-bbbbbbb$/);
});

test('cancelled during the upload: the upload stops, nothing switched, the lock is let go', async () => {
  const before = (await historyLines()).length;
  const app = await appCopy();
  // Incompressible, so the upload lasts long enough to be cancelled in the middle.
  await writeFile(path.join(app, 'blob.bin'), randomBytes(96 * 1024 * 1024));
  const r = await startRun(app, { commit: 'c'.repeat(40) });
  await stepStarted(r.child, 'upload');
  await new Promise((res) => setTimeout(res, 200));
  const started = Date.now();
  const res = await cancelLikeGithub(r.child, r.done);
  expect(Date.now() - started).toBeLessThan(7_500);
  expect(res.code).toBe(1);
  expect(res.stdout).not.toMatch(/::group::[^\n]*: venv$/m);
  const post = await runAction(await postEnv(r.env, r.files));
  expect(post.code).toBe(0);
  expect(await serving()).toEqual({ status: 200, release: good });
  expect(await lockIsFree()).toBe(true);
  const lines = (await historyLines()).slice(before);
  expect(lines).toEqual([expect.objectContaining({ event: 'deploy', status: 'cancelled' })]);
});

test('killed hard (SIGKILL) while switched but unproven: the post step rolls it back', async () => {
  const before = (await historyLines()).length;
  const r = await startRun(await brokenHealth(), { 'health-timeout': '120s', commit: 'd'.repeat(40) });
  await stepStarted(r.child, 'verify');
  r.child.kill('SIGKILL');
  await r.done;
  // The broken release is live now: only the post step can put the old one back.
  expect((await onServer(server, 'readlink /srv/shop/current')).trim()).toMatch(/-ddddddd$/);
  const post = await runAction(await postEnv(r.env, r.files));
  expect(post.code).toBe(0);
  expect(post.stdout).toMatch(/switched but not proven: rolled back/);
  expect(await serving()).toEqual({ status: 200, release: good });
  expect((await onServer(server, 'readlink /srv/shop/current')).trim()).toBe(`releases/${good}`);
  expect(await lockIsFree()).toBe(true);
  const lines = (await historyLines()).slice(before);
  expect(lines).toEqual([
    expect.objectContaining({
      event: 'deploy',
      status: 'rolled-back',
      to: good,
      why: expect.stringMatching(/rolled back by the post step/)
    })
  ]);
  // No verify loop of the killed run is left polling on the server.
  expect(await onServer(server, "pgrep -fc 'new worker[s] running' || true")).toBe('0\n');
});

test('the CLI on Ctrl-C during verify: rolls back, then exits 130', async () => {
  const before = (await historyLines()).length;
  const known = path.join(os.tmpdir(), `gd-known-${server.name}`);
  await writeFile(known, server.knownHosts + '\n');
  const inputs = inputsFor(server, await brokenHealth(), {
    'health-timeout': '120s',
    commit: 'e'.repeat(40)
  });
  delete inputs['known-hosts'];
  const args = ['deploy', '--private-key-file', server.privateKeyPath, '--known-hosts-file', known];
  for (const [k, v] of Object.entries(inputs)) args.push(`--${k}=${v}`);
  const child = spawn(process.execPath, [path.resolve('dist/cli/index.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let err = '';
  const verifying = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      if (/^== [^\n]*: verify$/m.test(err)) resolve();
    });
    child.once('close', () => reject(new Error(`the CLI ended before verify:\n${err}`)));
  });
  const code = new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  await verifying;
  child.kill('SIGINT');
  expect(await code).toBe(130);
  expect(err).toMatch(/SIGINT: cancelling/);
  expect(await serving()).toEqual({ status: 200, release: good });
  expect(await lockIsFree()).toBe(true);
  const lines = (await historyLines()).slice(before);
  expect(lines).toEqual([expect.objectContaining({ event: 'deploy', status: 'rolled-back', to: good })]);
  expect(lines[0]!.release).toMatch(/-eeeeeee$/);
});

test('a server line with \\r::add-mask:: in a provision dry-run diff does not mask anything', async () => {
  // A live file the dry run will diff, holding a command after a carriage return.
  await onServer(server, "printf 'x\\r::add-mask::Debian\\n##[add-mask]GNU\\n' > /etc/logrotate.d/shop");
  try {
    const files = await runnerFiles();
    const res = await runAction(
      runnerEnv(
        {
          'private-key': key,
          ...inputsFor(server, await appCopy()),
          mode: 'provision',
          'dry-run': 'true',
          'apt-packages': 'python3-flask, python3-gunicorn'
        },
        files
      )
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/would rewrite \/etc\/logrotate\.d\/shop/);
    expect(res.stdout).toContain('::add-mask::Debian');
    const masks = runnerCommands(res.stdout).filter((c) => c.command === 'add-mask');
    // (Only these two: the action's own masks hold the key, which a failure should not print.)
    expect(masks.map((c) => c.data).filter((d) => d === 'Debian' || d === 'GNU')).toEqual([]);
  } finally {
    await onServer(server, 'rm -f /etc/logrotate.d/shop');
  }
});

test('a runner that vanishes without a word (frozen: no FIN, no RST) frees the lock within 60 s', async () => {
  const r = await startRun(await appCopy(), { 'pre-activate': 'sleep 300' });
  await stepStarted(r.child, 'pre-activate');
  const owner = await onServer(server, 'cat /srv/shop/.deploy/lock.owner');
  expect(owner).toContain(`run=github-run-cancel-${process.pid}-${seq}-1`);
  // Its TCP connection stays up, but nothing comes from it any more.
  r.child.kill('SIGSTOP');
  const vanished = Date.now();
  try {
    const next = await startRun(await appCopy(), { 'lock-timeout': '120s' });
    await stepStarted(next.child, 'layout');
    const freedAfter = Date.now() - vanished;
    const res = await next.done;
    expect(res.stdout).toMatch(/another deploy holds the lock; waiting/);
    expect(res.code).toBe(0);
    expect(freedAfter).toBeLessThan(60_000);
  } finally {
    r.child.kill('SIGKILL');
    await r.done;
  }
  expect(await lockIsFree()).toBe(true);
  good = (await serving()).release;
});
