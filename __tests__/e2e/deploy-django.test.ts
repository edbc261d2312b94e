import { cp, mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';

// The Django example on Debian's python3-django (4.2): provision with nginx serving the collected
// static files, SQLite in shared/, a build step, one-off commands, and the checks that know Django.
let server: SandboxServer;
let app: string;

const SITE = 'django.example.test';
const INPUTS = {
  'app-name': 'mysite',
  'wsgi-app': 'mysite.wsgi:application',
  'shared-paths': 'data',
  'sqlite-db': 'data/db.sqlite3',
  build: 'python manage.py collectstatic --noinput',
  // --skip-checks: migrate's system checks import the URLconf, which would refuse a broken view
  // before the candidate could; the candidate is what this file proves.
  'pre-activate': 'python manage.py migrate --noinput --skip-checks',
  static: '/static/=staticfiles',
  'server-name': SITE,
  'health-interval': '30s',
  'smoke-paths': '/notes/',
  env: [
    'DJANGO_SECRET_KEY=not-a-real-secret-but-long-enough-for-the-test-0123456789',
    `DJANGO_ALLOWED_HOSTS=${SITE},localhost,127.0.0.1`,
    'DJANGO_SUPERUSER_PASSWORD=correct horse battery staple'
  ].join('\n')
};

beforeAll(async () => {
  server = await bootServer();
  app = await mkdtemp(path.join(os.tmpdir(), 'gd-django-'));
  await cp(path.resolve('examples/django-app'), app, { recursive: true });
});
afterAll(async () => {
  if (server) await stopServer(server);
});

const viaNginx = (p: string) =>
  onServer(server, `curl -sS -o /dev/null -w '%{http_code}' -H 'Host: ${SITE}' http://127.0.0.1${p}`);

test('provision: build collects the static files, nginx serves the admin CSS, migrations ran', async () => {
  // Debian's Django links the admin's jQuery to libjs-jquery, which it only recommends:
  // collectstatic fails on the dangling link without it.
  const { report } = await deploy(server, app, {
    ...INPUTS,
    mode: 'provision',
    'apt-packages': 'python3-django libjs-jquery'
  });
  expect(report.error).toBeUndefined();
  const h = report.hosts[0]!;
  expect(h.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'candidate']));
  expect(await viaNginx('/static/admin/css/base.css')).toBe('200');
  expect(await viaNginx('/admin/login/')).toBe('200');
  expect(await viaNginx('/health')).toBe('200');
  // Collected into the release by the build user; frozen for the app.
  expect(await onServer(server, 'stat -c %U /srv/mysite/current/staticfiles/admin/css/base.css')).toBe(
    'mysite-build\n'
  );
  expect(
    await onServer(
      server,
      "sqlite3 /srv/mysite/shared/data/db.sqlite3 'select count(*) from django_migrations'"
    )
  ).not.toBe('0\n');
});

test('mode run creates a superuser and a note; the data survives a deploy', async () => {
  const su = await deploy(server, app, {
    ...INPUTS,
    mode: 'run',
    command: 'python manage.py createsuperuser --noinput --username admin --email admin@example.com'
  });
  expect(su.report.error).toBeUndefined();
  expect(
    await onServer(
      server,
      "sqlite3 /srv/mysite/shared/data/db.sqlite3 'select username, is_superuser from auth_user'"
    )
  ).toBe('admin|1\n');
  const note = await deploy(server, app, {
    ...INPUTS,
    mode: 'run',
    command: 'python manage.py shell -c "from notes.models import Note; Note.objects.create(text=\'kept\')"'
  });
  expect(note.report.error).toBeUndefined();

  await editFile(app, 'notes/views.py', (t) => t.replace('"status": "ok"', '"status": "ok", "v": 2'));
  const { report } = await deploy(server, app, INPUTS);
  expect(report.error).toBeUndefined();
  const body = (await getJson(server, '/notes/', 'mysite')).body;
  expect(body).toEqual({ notes: ['kept'], release: report.hosts[0]!.facts.release });
});

test('a view with a syntax error passes the import but is refused by the candidate, with 0 failed requests', async () => {
  const before = await onServer(server, 'readlink /srv/mysite/current');
  await editFile(app, 'notes/views.py', (t) => t.replace('def notes(request):', 'def notes(request) oops:'));
  const load = await startLoad(server, { app: 'mysite', path: '/notes/', clients: 10 });
  const { report } = await deploy(server, app, INPUTS);
  const counts = await load.stop();
  expect(report.ok).toBe(false);
  const steps = report.hosts[0]!.steps;
  expect(steps.find((s) => s.name === 'check')?.ok).toBe(true);
  expect(steps.find((s) => !s.ok)?.name).toBe('candidate');
  expect(await onServer(server, 'readlink /srv/mysite/current')).toBe(before);
  expect(counts.total).toBeGreaterThan(0);
  expect(counts.failed).toBe(0);
  await editFile(app, 'notes/views.py', (t) => t.replace('def notes(request) oops:', 'def notes(request):'));
});

test("verify flags DEBUG = True from Django's settings", async () => {
  const ok = await deploy(server, app, { ...INPUTS, mode: 'verify' });
  expect(ok.report.hosts[0]!.facts.debug).toBe('ok');
  // Django's own checklist runs; its warnings (plain HTTP here) are shown, not failed.
  expect(ok.report.hosts[0]!.facts['django-check']).toBe('ok');
  expect(ok.lines.join('\n')).toMatch(/manage\.py check --deploy: [^\n]*security\.W\d+/);
  const on = { ...INPUTS, env: `${INPUTS.env}\nDJANGO_DEBUG=1` };
  expect((await deploy(server, app, on)).report.error).toBeUndefined();
  const red = await deploy(server, app, { ...on, mode: 'verify' });
  expect(red.report.ok).toBe(false);
  expect(red.report.hosts[0]!.facts.debug).toBe('RED: the app runs with debug on (settings.DEBUG true)');
});
