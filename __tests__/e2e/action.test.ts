import { readFile } from 'node:fs/promises';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, getJson, inputsFor, onServer } from '../support/deploy.js';
import {
  postEnv,
  readFileCommands,
  runAction,
  runnerEnv,
  runnerFiles,
  startAction
} from '../support/action.js';

// The bundled action run exactly as a runner runs it: node dist/index.js, INPUT_* variables, and
// the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files.
let server: SandboxServer;
let key: string;
let app: string;
const SECRET = 'sk_live_very-secret-value-42';

beforeAll(async () => {
  server = await bootServer();
  key = await readFile(server.privateKeyPath, 'utf8');
  app = await appCopy();
});
afterAll(async () => {
  if (server) await stopServer(server);
});

/** Secrets found outside ::add-mask:: lines (those the runner consumes to mask everything else). */
function leaks(all: string): string[] {
  const text = all
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  const found: string[] = [];
  if (text.includes(SECRET)) found.push('env secret');
  for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) {
    if (text.includes(line)) found.push('private key line');
  }
  return found;
}

test('preflight: a table per host in the log and the summary, outputs written', async () => {
  const files = await runnerFiles();
  const res = await runAction(
    runnerEnv({ 'private-key': key, ...inputsFor(server, app), mode: 'preflight' }, files)
  );
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/host\s+os\s+sudo\s+systemd\s+python/);
  expect(res.stdout).toContain('Debian GNU/Linux');
  const out = await readFileCommands(files.output);
  expect(out.status).toBe('ok');
  const hosts = JSON.parse(out.hosts!);
  expect(hosts[0]).toMatchObject({
    host: server.host,
    ok: true,
    sudo: 'yes',
    systemd: 'yes',
    venv: 'yes',
    provisioned: 'no',
    usable: 'yes'
  });
  const summary = await readFile(files.summary, 'utf8');
  expect(summary).toContain('gunicorn-deploy preflight: ok');
  expect(summary).toMatch(/\| host \| os \| sudo \|/);
  expect(leaks(res.stdout + summary + (await readFile(files.output, 'utf8')))).toEqual([]);
});

test('bad input fails before any connection, naming the input', async () => {
  const files = await runnerFiles();
  const started = Date.now();
  const res = await runAction(
    runnerEnv({ 'private-key': key, ...inputsFor(server, app), 'app-name': 'Bad Name', port: '0' }, files)
  );
  expect(res.code).toBe(1);
  expect(res.stdout).toMatch(/::error::2 inputs are not valid \(nothing was changed on any server\)/);
  expect(res.stdout).toMatch(/::add-mask::/);
  expect(res.stdout).toContain('input `app-name`');
  expect(res.stdout).toContain('input `port`');
  expect(Date.now() - started).toBeLessThan(5000);
  expect((await readFileCommands(files.output)).status).toBe('failed');
});

test('deploy: outputs, a summary of steps, and no secret in any output', async () => {
  const files = await runnerFiles();
  const inputs = { 'private-key': key, ...inputsFor(server, app), env: `API_KEY=${SECRET}\nGREETING=hello` };
  const res = await runAction(runnerEnv(inputs, files));
  expect(res.code).toBe(0);
  const out = await readFileCommands(files.output);
  expect(out).toMatchObject({
    status: 'deployed',
    'rolled-back': 'false',
    reload: 'start',
    'previous-release': ''
  });
  expect(out.release).toMatch(/^\d{8}T\d{6}Z-fffffff$/);
  expect(Number(out['duration-ms'])).toBeGreaterThan(0);
  const summary = await readFile(files.summary, 'utf8');
  expect(summary).toContain('gunicorn-deploy deploy: deployed');
  expect(summary).toMatch(/\| verify \| [\d.]+ s \| ok \|/);
  expect(res.stdout).toMatch(/::group::10\.213\.\d+\.2: upload/);
  expect(leaks(res.stdout + res.stderr + summary + (await readFile(files.output, 'utf8')))).toEqual([]);
  // The secret reached the server's environment file, readable only by root and the app.
  expect(await onServer(server, 'stat -c %a:%U:%G /etc/shop/env; grep -c API_KEY /etc/shop/env')).toBe(
    '640:root:shop\n1\n'
  );
  expect((await getJson(server, '/health')).body.release).toBe(out.release);
});

test('a cancelled run: the post step releases the lock it left behind', async () => {
  const files = await runnerFiles();
  const env = runnerEnv(
    { 'private-key': key, ...inputsFor(server, app), 'pre-activate': 'sleep 120' },
    files,
    {
      GITHUB_RUN_ID: `cancel-${process.pid}`
    }
  );
  const { child, done } = startAction(env);
  // Wait until this run holds the lock on the server.
  for (let i = 0; i < 100; i++) {
    const owner = await onServer(server, 'cat /srv/shop/.deploy/lock.owner 2>/dev/null || true');
    if (owner.includes(`run=github-run-cancel-${process.pid}-1`)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // A frozen runner: its connection stays up, so the lock would be held until the server noticed.
  child.kill('SIGSTOP');
  const post = await runAction(await postEnv(env, files));
  expect(post.code).toBe(0);
  expect(post.stdout).toMatch(/released the deploy lock this run left behind/);
  // The next deploy gets the lock at once.
  const next = await runAction(
    runnerEnv({ 'private-key': key, ...inputsFor(server, app), 'lock-timeout': '5s' }, await runnerFiles())
  );
  expect(next.stdout).not.toMatch(/::error::/);
  expect(next.code).toBe(0);
  child.kill('SIGKILL');
  await done;
});
