import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import { outputsOf, type RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, onServer, testLogger } from '../support/deploy.js';

// The emergency path: `mode: rollback` with only host, key and app name. Each release is proven and
// run with its own settings (an app factory, its own health-expect), and a deploy without
// provision's server-name keeps the one provision set. Three apps side by side on one server.
let server: SandboxServer;

beforeAll(async () => {
  server = await bootServer();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

async function copyOf(example: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-own-'));
  await cp(path.resolve(example), dir, { recursive: true });
  return dir;
}

/** A run with only host, user, key, host key and app name (and mode, and what `over` adds). */
async function bare(mode: string, app: string, over: Record<string, string> = {}): Promise<RunReport> {
  return (await bareRun(mode, app, over)).report;
}

async function bareRun(
  mode: string,
  app: string,
  over: Record<string, string> = {}
): Promise<{ report: RunReport; lines: string[] }> {
  const logger = testLogger();
  const inputs: Record<string, string> = {
    mode,
    host: server.host,
    user: server.user,
    'private-key': await readFile(server.privateKeyPath, 'utf8'),
    'known-hosts': server.knownHosts,
    'app-name': app,
    ...over
  };
  const { report } = await runEngine(
    parseSettings((n) => inputs[n] ?? ''),
    { logger }
  );
  return { report, lines: logger.lines };
}

const ok = (r: RunReport) => ({ ok: r.ok, error: r.error });
const serving = async (app: string) => (await onServer(server, `readlink /srv/${app}/current`)).trim();

async function factoryApp(): Promise<void> {
  const src = await copyOf('examples/flask-factory');
  const inputs = { 'app-name': 'flaskr', 'wsgi-app': 'flaskr:create_app()', 'sqlite-db': '' };
  const one = await deploy(server, src, { ...inputs, commit: 'a'.repeat(40) });
  expect(ok(one.report)).toEqual({ ok: true, error: undefined });
  await editFile(src, 'flaskr/__init__.py', (t) => `${t}\n# two\n`);
  const two = await deploy(server, src, { ...inputs, commit: 'b'.repeat(40) });
  expect(ok(two.report)).toEqual({ ok: true, error: undefined });
  const [r1, r2] = [one.report.hosts[0]!.facts.release!, two.report.hosts[0]!.facts.release!];
  expect(
    JSON.parse(await onServer(server, `cat /srv/flaskr/.deploy/release-settings/${r1}.json`))
  ).toMatchObject({ 'wsgi-app': 'flaskr:create_app()' });

  const back = await bare('rollback', 'flaskr');
  expect(ok(back)).toEqual({ ok: true, error: undefined });
  expect(outputsOf(back)).toMatchObject({ status: 'rolled-back', release: r1, 'previous-release': r2 });
  expect(await serving('flaskr')).toBe(`releases/${r1}`);

  // A remembered value that does not pass the inputs' rules: the rollback stops naming it.
  await onServer(
    server,
    `f=/srv/flaskr/.deploy/release-settings/${r2}.json; sed -i 's/create_app()/create_app(); import os/' "$f"; cat "$f"`
  );
  const bad = await bare('rollback', 'flaskr', { 'rollback-to': r2 });
  expect(bad.ok).toBe(false);
  expect(bad.error).toContain(`release-settings/${r2}.json cannot be read back`);
  expect(bad.error).toMatch(/`wsgi-app`: must be module:name/);
  expect(await serving('flaskr')).toBe(`releases/${r1}`);
}

async function healthExpectApp(): Promise<void> {
  const src = await appCopy();
  const marker = (v: string) => (t: string) =>
    `${t.replace(/\n# version .*$/s, '')}\n# version ${v}\n@app.before_request\ndef _version():\n    if request.path == "/health":\n        return {"status": "ok", "version": "${v}"}\n`;
  await editFile(src, 'app.py', marker('v1'));
  const one = await deploy(server, src, { 'health-expect': '"v1"', commit: 'c'.repeat(40) });
  expect(ok(one.report)).toEqual({ ok: true, error: undefined });
  await editFile(src, 'app.py', marker('v2'));
  const two = await deploy(server, src, { 'health-expect': '"v2"', commit: 'd'.repeat(40) });
  expect(ok(two.report)).toEqual({ ok: true, error: undefined });
  const r1 = one.report.hosts[0]!.facts.release!;
  const back = await bare('rollback', 'shop');
  expect(ok(back)).toEqual({ ok: true, error: undefined });
  expect(outputsOf(back)).toMatchObject({ status: 'rolled-back', release: r1 });
  expect(await serving('shop')).toBe(`releases/${r1}`);
}

/** What serves app `app` now: the unit's wsgi-app, its worker class, the master's workers. */
async function runningAs(app: string): Promise<{ wsgi: string; workerClass: string; workers: number }> {
  const out = await onServer(
    server,
    `sed -n 's/^ExecStart=.* //p' /etc/systemd/system/${app}.service
sed -n 's/^worker_class = //p' /etc/${app}/gunicorn.conf.py
m=$(systemctl show -p MainPID --value ${app}.service); cat /proc/$m/task/$m/children`
  );
  const [wsgi, workerClass, kids] = out.split('\n');
  return {
    wsgi: wsgi!,
    workerClass: workerClass!,
    workers: kids!
      .trim()
      .split(/\s+/)
      .filter((k) => k).length
  };
}

/**
 * Release A (app:app, 2 sync workers), then B (second:app, 3 gthread workers): a rollback runs A
 * under its own unit and Gunicorn config, kept by root when it went live. A kept config that does
 * not boot as a candidate changes nothing; a unit that fails after the switch puts B back as it ran.
 */
async function ownUnitsApp(): Promise<void> {
  const src = await appCopy();
  const app = 'twin';
  const one = await deploy(server, src, { 'app-name': app, workers: '2', commit: 'e'.repeat(40) });
  expect(ok(one.report)).toEqual({ ok: true, error: undefined });
  await writeFile(
    path.join(src, 'second.py'),
    `from flask import request\n\nfrom app import app\n\n\n@app.before_request\ndef _second():\n    if request.path == "/health":\n        return {"status": "ok", "serves": "second"}\n`
  );
  const B = { 'app-name': app, 'wsgi-app': 'second:app', workers: '3', 'worker-class': 'gthread' };
  const two = await deploy(server, src, { ...B, commit: 'f'.repeat(40) });
  expect(ok(two.report)).toEqual({ ok: true, error: undefined });
  const [r1, r2] = [one.report.hosts[0]!.facts.release!, two.report.hosts[0]!.facts.release!];
  const asB = { wsgi: 'second:app', workerClass: '"gthread"', workers: 3 };
  expect(await runningAs(app)).toEqual(asB);
  const kept = `/etc/${app}/release-config/${r1}`;

  // A's kept Gunicorn config does not boot: its candidate fails, nothing changed.
  await onServer(
    server,
    `cp -a ${kept}/gunicorn.conf.py /root/twin.conf; echo 'worker_class = "nosuch.Worker"' >> ${kept}/gunicorn.conf.py`
  );
  const noBoot = await bare('rollback', app);
  expect(noBoot.ok).toBe(false);
  expect(noBoot.error).toMatch(/nosuch/);
  expect(await serving(app)).toBe(`releases/${r2}`);
  expect(await runningAs(app)).toEqual(asB);
  await onServer(server, `mv /root/twin.conf ${kept}/gunicorn.conf.py`);

  // A's kept unit fails after the switch: B is put back with its own unit and config.
  await onServer(
    server,
    `cp -a ${kept}/${app}.service /root/twin.service; sed -i 's/ app:app$/ nosuch:app/' ${kept}/${app}.service`
  );
  const noServe = await bare('rollback', app);
  expect(noServe.ok).toBe(false);
  expect(noServe.error).toContain(`${r2} was put back and is serving`);
  expect(await serving(app)).toBe(`releases/${r2}`);
  expect(await runningAs(app)).toEqual(asB);
  await onServer(server, `mv /root/twin.service ${kept}/${app}.service`);

  const back = await bareRun('rollback', app);
  expect(ok(back.report)).toEqual({ ok: true, error: undefined });
  expect(outputsOf(back.report)).toMatchObject({ status: 'rolled-back', release: r1 });
  expect(back.lines.join('\n')).not.toContain('serves under the current ones');
  expect(await runningAs(app)).toEqual({ wsgi: 'app:app', workerClass: '"sync"', workers: 2 });
  expect(
    await onServer(server, `curl -s --unix-socket /run/${app}/gunicorn.sock http://localhost/health`)
  ).not.toContain('second');
}

const SITE = 'django.example.test';
const DJANGO = {
  'app-name': 'mysite',
  'wsgi-app': 'mysite.wsgi:application',
  'shared-paths': 'data',
  'sqlite-db': 'data/db.sqlite3',
  'pre-activate': 'python manage.py migrate --noinput --skip-checks',
  'health-interval': '30s',
  env: [
    'DJANGO_SECRET_KEY=not-a-real-secret-but-long-enough-for-the-test-0123456789',
    // Only the site's name: a health request with Host: localhost gets 400.
    `DJANGO_ALLOWED_HOSTS=${SITE}`
  ].join('\n')
};

async function djangoApp(): Promise<void> {
  const src = await copyOf('examples/django-app');
  const one = await deploy(server, src, { ...DJANGO, mode: 'provision', 'server-name': SITE });
  expect(ok(one.report)).toEqual({ ok: true, error: undefined });
  await editFile(src, 'manage.py', (t) => `${t}\n# two\n`);
  // What the README's deploy.yml runs: no server-name.
  const two = await deploy(server, src, DJANGO);
  expect(ok(two.report)).toEqual({ ok: true, error: undefined });
  expect(two.lines.join('\n')).toContain(`server-name: ${SITE}, as provision set it on this server`);
  const verified = await bare('verify', 'mysite');
  expect(verified.hosts[0]!.facts['health-nginx']).toBe('ok');
  const r1 = one.report.hosts[0]!.facts.release!;
  const back = await bare('rollback', 'mysite');
  expect(ok(back)).toEqual({ ok: true, error: undefined });
  expect(outputsOf(back)).toMatchObject({ status: 'rolled-back', release: r1 });
  // Another server-name given: the run says that nginx still answers for the provisioned one.
  await editFile(src, 'manage.py', (t) => `${t}\n# three\n`);
  const three = await deploy(server, src, { ...DJANGO, 'server-name': `other.${SITE}`, 'health-host': SITE });
  expect(ok(three.report)).toEqual({ ok: true, error: undefined });
  expect(three.lines.join('\n')).toMatch(
    /input `server-name` is 'other\.django\.example\.test' but provision set 'django\.example\.test'/
  );
}

test("rollback with only host, key and app name: a factory app, its own health-expect, provision's server-name, its own units", async () => {
  const results = await Promise.allSettled([factoryApp(), healthExpectApp(), djangoApp(), ownUnitsApp()]);
  // Every case's failure, not only the first one's.
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [`${['factory', 'health-expect', 'django', 'own units'][i]}: ${String(r.reason)}`]
      : []
  );
  expect(failed).toEqual([]);
}, 900_000);
