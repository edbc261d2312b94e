import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { deploy, editFile, getJson, onServer } from '../support/deploy.js';
import { debianWheels } from '../support/wheels.js';

// Real apps as people write them (issue 14): a pyproject.toml package with an app factory, no
// requirements.txt and no Gunicorn among its dependencies; shared paths that are files; lock
// files this tool cannot install as pinned.
const FACTORY = path.resolve('examples/flask-factory');
let server: SandboxServer;

async function factoryCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-factory-'));
  await cp(FACTORY, dir, { recursive: true });
  return dir;
}

const factory = { 'app-name': 'flaskr', 'wsgi-app': 'flaskr:create_app()', 'sqlite-db': '' };

beforeAll(async () => {
  server = await bootServer();
});
afterAll(async () => {
  if (server) await stopServer(server);
});

test('a lock file without a requirements.txt is refused before any connection, naming what works', async () => {
  const app = await factoryCopy();
  await writeFile(path.join(app, 'uv.lock'), 'version = 1\n');
  const { report } = await deploy(server, app, { ...factory, 'app-name': 'locked' });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(
    /uv\.lock is a lock file[\s\S]*supported: requirements\.txt[\s\S]*pyproject\.toml/
  );
  expect(report.error).toMatch(/uv export/);
  expect(report.error).toMatch(/nothing was changed on any server/);
  expect(report.hosts[0]!.steps).toEqual([]);
  expect(
    await onServer(server, 'id -u locked >/dev/null 2>&1 && echo user; ls -d /srv/locked 2>/dev/null; true')
  ).toBe('');
  // Named explicitly, too; and a requirements file that is TOML is not handed to pip.
  const named = await deploy(server, app, { ...factory, 'app-name': 'locked', requirements: 'poetry.lock' });
  expect(named.report.error).toMatch(/poetry\.lock is a lock file[\s\S]*poetry export/);
  await writeFile(path.join(app, 'deps.txt'), '[project]\ndependencies = ["flask"]\n');
  const toml = await deploy(server, app, { ...factory, 'app-name': 'locked', requirements: 'deps.txt' });
  expect(toml.report.error).toMatch(/deps\.txt looks like TOML/);
  await rm(path.join(app, 'uv.lock'));
  const extra = await deploy(server, app, { ...factory, 'app-name': 'locked', extras: 'nosuch' });
  expect(extra.report.error).toMatch(
    /input `extras`: nosuch is not in pyproject\.toml's \[project\.optional-dependencies\] \(it has: prod, test\)/
  );
});

describe('the pyproject.toml app factory', () => {
  let app: string;
  let first: string;

  test('deploys with no requirements file and no Gunicorn in its dependencies', async () => {
    app = await factoryCopy();
    const { report, lines } = await deploy(server, app, factory);
    expect(report.error).toBeUndefined();
    const h = report.hosts[0]!;
    first = h.facts.release!;
    expect(h.steps.find((s) => s.name === 'venv')?.detail).toMatch(
      /built from pyproject\.toml \[project\] dependencies, gunicorn: system/
    );
    expect(lines.filter((l) => /the venv uses the system's Gunicorn/.test(l))).toHaveLength(1);
    const health = await getJson(server, '/health', 'flaskr');
    expect(health).toEqual({ status: 200, body: { status: 'ok', release: first, debug: false } });
    expect((await getJson(server, '/', 'flaskr')).body.visits).toBe(1);
    // The dependencies drawn from pyproject.toml are kept with the venv; the project is not installed.
    const venv = `/srv/flaskr/releases/${first}/.venv`;
    expect(await onServer(server, `cat ${venv}/gunicorn-deploy-requirements.txt`)).toBe('flask>=2.2\n');
    expect(
      await onServer(server, `${venv}/bin/python -m pip list 2>/dev/null | grep -ci flaskr || true`)
    ).toBe('0\n');
  });

  test('a code change HUPs and keeps the venv; pyproject metadata outside the dependencies does too', async () => {
    await editFile(app, 'flaskr/__init__.py', (t) => t.replace('status="ok"', 'status="ok", v=2'));
    await editFile(app, 'pyproject.toml', (t) => t.replace('version = "1.0.0"', 'version = "1.0.1"'));
    const { report } = await deploy(server, app, factory);
    expect(report.error).toBeUndefined();
    const h = report.hosts[0]!;
    expect(h.facts.reload).toBe('hup');
    expect(h.steps.find((s) => s.name === 'venv')?.changed).toBe(false);
    expect((await getJson(server, '/health', 'flaskr')).body).toMatchObject({
      v: 2,
      release: h.facts.release
    });
    // The SQLite data in shared/instance stayed.
    expect((await getJson(server, '/', 'flaskr')).body.visits).toBe(2);
  });

  test('a dependency change (or an extra) builds a new venv and restarts', async () => {
    await editFile(app, 'pyproject.toml', (t) =>
      t.replace('"flask>=2.2",', '"flask>=2.2",\n    "markupsafe",')
    );
    const { report } = await deploy(server, app, factory);
    expect(report.error).toBeUndefined();
    const h = report.hosts[0]!;
    expect(h.facts.reload).toBe('restart');
    expect(h.steps.find((s) => s.name === 'venv')?.changed).toBe(true);
    expect((await getJson(server, '/health', 'flaskr')).body.release).toBe(h.facts.release);

    // requirements named explicitly, with an extra: its dependencies join the venv's list.
    const withExtra = await deploy(server, app, {
      ...factory,
      requirements: 'pyproject.toml',
      extras: 'prod'
    });
    expect(withExtra.report.error).toBeUndefined();
    const h2 = withExtra.report.hosts[0]!;
    expect(h2.facts.reload).toBe('restart');
    expect(h2.steps.find((s) => s.name === 'venv')?.detail).toMatch(/\+ extras prod/);
    expect(
      await onServer(
        server,
        `cat /srv/flaskr/releases/${h2.facts.release}/.venv/gunicorn-deploy-requirements.txt`
      )
    ).toBe('flask>=2.2\nmarkupsafe\nitsdangerous\n');
  });
});

test('shared paths that are files stay files across deploys', async () => {
  const app = await factoryCopy();
  // A file in the source, and one declared (PATH:file) that the source does not have.
  await writeFile(path.join(app, 'settings.json'), '{"from": "source"}\n');
  const over = {
    ...factory,
    'app-name': 'files',
    'shared-paths': 'instance, settings.json, data/db.sqlite3:file'
  };
  const first = await deploy(server, app, over);
  expect(first.report.error).toBeUndefined();
  const kinds = () =>
    onServer(
      server,
      'cd /srv/files && stat -c "%F %U %a %n" shared/settings.json shared/data/db.sqlite3 && readlink current/settings.json current/data/db.sqlite3 && cat shared/settings.json'
    );
  const expected =
    'regular file files 640 shared/settings.json\n' +
    'regular empty file files 640 shared/data/db.sqlite3\n' +
    '/srv/files/shared/settings.json\n/srv/files/shared/data/db.sqlite3\n{"from": "source"}\n';
  expect(await kinds()).toBe(expected);
  // The app writes them; the next deploy (with a new source copy of the file) keeps what is on the server.
  await onServer(
    server,
    `echo '{"from": "server"}' > /srv/files/shared/settings.json && sqlite3 /srv/files/shared/data/db.sqlite3 'create table t (x); insert into t values (42)' && chown files: /srv/files/shared/data/db.sqlite3`
  );
  await writeFile(path.join(app, 'settings.json'), '{"from": "source, second"}\n');
  const second = await deploy(server, app, over);
  expect(second.report.error).toBeUndefined();
  const after = await kinds();
  expect(after).toMatch(
    /^regular file files 640 shared\/settings\.json\nregular file files 640 shared\/data\/db\.sqlite3\n/
  );
  expect(after).toMatch(/\{"from": "server"\}\n$/);
  expect(await onServer(server, `sqlite3 /srv/files/current/data/db.sqlite3 'select x from t'`)).toBe('42\n');
});

test('build commands write into the new release as the build user, with the env, and nothing outside it', async () => {
  const app = await factoryCopy();
  const over = {
    ...factory,
    'app-name': 'built',
    env: 'SECRET_KEY=s3cret-build',
    // What collectstatic does: write a folder into the release, reading the app's settings.
    build: [
      'mkdir -p static/gen',
      'date +%s%N >> static/gen/stamp',
      'id -un > static/gen/user',
      'printf %s "$SECRET_KEY" | sha256sum > static/gen/secret',
      'python -c "import flask; print(flask.__name__)" > static/gen/venv'
    ].join('\n')
  };
  const first = await deploy(server, app, over);
  expect(first.report.error).toBeUndefined();
  const h1 = first.report.hosts[0]!;
  const r1 = h1.facts.release!;
  expect(h1.steps.map((s) => s.name)).toContain('build');
  const gen = (r: string) =>
    onServer(
      server,
      `cd /srv/built/releases/${r}/static/gen && cat user venv stamp && stat -c '%U %a' stamp && sha256sum < /dev/null | true`
    );
  const out1 = await gen(r1);
  expect(out1).toMatch(/^built-build\nflask\n\d+\nbuilt-build 644\n/);
  expect(await onServer(server, `cat /srv/built/releases/${r1}/static/gen/secret`)).toBe(
    await onServer(server, `printf %s s3cret-build | sha256sum`)
  );
  // Frozen for the app's user.
  expect(
    await onServer(
      server,
      `setpriv --reuid=built --regid=built --init-groups touch /srv/built/current/static/gen/x 2>&1 || echo refused`
    )
  ).toMatch(/refused/);

  // A delta deploy: the previous release's build output is not written through, nor carried over.
  await editFile(app, 'flaskr/__init__.py', (t) => t.replace('status="ok"', 'status="ok", v=2'));
  const second = await deploy(server, app, over);
  expect(second.report.error).toBeUndefined();
  const r2 = second.report.hosts[0]!.facts.release!;
  expect(second.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(/^delta: /);
  expect(await gen(r1)).toBe(out1);
  expect((await gen(r2)).split('\n')[2]).toMatch(/^\d+$/);
  expect((await onServer(server, `wc -l < /srv/built/releases/${r2}/static/gen/stamp`)).trim()).toBe('1');

  // Writing outside the release is refused, and the deploy with it: nothing switched.
  const outside = await deploy(server, app, { ...over, build: 'touch /srv/built/venvs/evil' });
  expect(outside.report.error).toMatch(/build commands failed \(exit 1\); nothing was switched/);
  expect(await onServer(server, 'ls /srv/built/venvs/evil 2>/dev/null; readlink /srv/built/current')).toBe(
    `releases/${r2}\n`
  );
});

test("verify reads debug from the app itself: Flask's app.debug, even when /health does not report it", async () => {
  const app = await factoryCopy();
  const over = { ...factory, 'app-name': 'dbg' };
  expect((await deploy(server, app, over)).report.error).toBeUndefined();
  const ok = await deploy(server, app, { ...over, mode: 'verify' });
  expect(ok.report.hosts[0]!.facts.debug).toBe('ok');
  expect(ok.lines.join('\n')).toMatch(/debug\s+\|?\s*ok\s+\|?\s*debug false \(\/health, app\.debug false\)/);

  // Debug switched on in the app's config, and a /health that does not say so: FLASK_DEBUG=0 in
  // the env file is no proof.
  await editFile(app, 'flaskr/__init__.py', (t) =>
    t
      .replace(
        'jsonify(status="ok", release=RELEASE, debug=app.debug)',
        'jsonify(status="ok", release=RELEASE)'
      )
      .replace('    db.init_app(app)', '    app.config["DEBUG"] = True\n    db.init_app(app)')
  );
  expect((await deploy(server, app, over)).report.error).toBeUndefined();
  const red = await deploy(server, app, { ...over, mode: 'verify' });
  expect(red.report.hosts[0]!.facts.debug).toBe('RED: the app runs with debug on (app.debug true)');
});

test('static mappings: release folders cached, shared uploads readable by nginx and nothing else of shared/', async () => {
  const app = await factoryCopy();
  const over = {
    ...factory,
    'app-name': 'stat',
    mode: 'provision',
    'health-interval': '30s',
    static: '/assets/=flaskr/static, /media/=shared/media'
  };
  const { report } = await deploy(server, app, over);
  expect(report.error).toBeUndefined();
  // What the app writes into its uploads folder, with the service's umask.
  await onServer(
    server,
    "systemd-run --quiet --wait --pipe -p User=stat -p UMask=0027 -- sh -c 'echo uploaded > /srv/stat/shared/media/up.txt; mkdir /srv/stat/shared/media/sub; echo deeper > /srv/stat/shared/media/sub/x.txt'"
  );
  const head = (p: string) =>
    onServer(server, `curl -sS -D - -o /tmp/static-body http://127.0.0.1${p}; cat /tmp/static-body`);
  const css = await head('/assets/style.css');
  expect(css).toMatch(/^HTTP\/1\.1 200/);
  expect(css).toMatch(/Cache-Control: max-age=3600/i);
  expect(css).toMatch(/Cache-Control: public/i);
  expect(css).toContain('font-family');
  const up = await head('/media/up.txt');
  if (!/^HTTP\/1\.1 200/.test(up))
    console.log(
      await onServer(
        server,
        "stat -c '%A %U %G %n' /srv/stat/shared /srv/stat/shared/media /srv/stat/shared/media/up.txt; tail -n 5 /var/log/nginx/error.log; grep -A8 media /etc/nginx/sites-available/stat.conf"
      )
    );
  expect(up).toMatch(/^HTTP\/1\.1 200/);
  expect(up).toMatch(/X-Content-Type-Options: nosniff/i);
  expect(up).toMatch(/Cache-Control: no-cache/i);
  expect(up).toContain('uploaded');
  expect(await head('/media/sub/x.txt')).toContain('deeper');
  expect(await head('/media/')).toMatch(/^HTTP\/1\.1 (403|404)/);
  // nginx's user reads the uploads, not the rest of shared/ (the database, the instance folder).
  expect(
    await onServer(
      server,
      'runuser -u www-data -- ls /srv/stat/shared/instance 2>&1 >/dev/null | grep -c "Permission denied"'
    )
  ).toBe('1\n');
  // /static/ is still the app's (no static-path): the app answers it.
  expect(await head('/health')).toMatch(/^HTTP\/1\.1 200/);
});

test('a first deploy that does not load says nothing served before, not that an old release keeps serving', async () => {
  const app = await factoryCopy();
  const { report } = await deploy(server, app, {
    ...factory,
    'app-name': 'first',
    'wsgi-app': 'flaskr:nosuch()'
  });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(/nothing was switched \(nothing served before: a first deploy\)/);
  expect(report.error).not.toMatch(/old release keeps serving/);
});

test('without the system site packages: pip installs from a wheel folder into a venv with no pip inside, and adds Gunicorn', async () => {
  // The default venv (venv-system-site-packages: false), offline: wheels made on the server from
  // Debian's installed gunicorn and packaging, handed to pip with --find-links.
  await debianWheels(server, '/srv/wheels', ['gunicorn', 'packaging']);
  const app = await mkdtemp(path.join(os.tmpdir(), 'gd-plain-'));
  await writeFile(
    path.join(app, 'app.py'),
    'def app(environ, start_response):\n' +
      "    start_response('200 OK', [('Content-Type', 'application/json')])\n" +
      '    return [b\'{"status": "ok", "plain": true}\']\n'
  );
  await writeFile(path.join(app, 'requirements.txt'), 'gunicorn\n');
  const plain = {
    'app-name': 'plain',
    'sqlite-db': '',
    'venv-system-site-packages': 'false',
    'pip-args': '--no-index --find-links /srv/wheels'
  };
  const first = await deploy(server, app, plain);
  expect(first.report.error).toBeUndefined();
  const venvStep = () => first.report.hosts[0]!.steps.find((s) => s.name === 'venv');
  expect(venvStep()?.detail).toMatch(/built from requirements\.txt, gunicorn: app/);
  expect((await getJson(server, '/health', 'plain')).body).toEqual({ status: 'ok', plain: true });
  const venv = '/srv/plain/current/.venv';
  // pip ran from the system (--python): the venv holds the app's packages and no pip of its own.
  expect(await onServer(server, `ls ${venv}/bin | grep -c '^pip' || true`)).toBe('0\n');
  expect(await onServer(server, `cat ${venv}/requirements.lock`)).toMatch(/^gunicorn==[\d.]+\npackaging==/);
  // Dependencies without Gunicorn: the tool installs it from the same wheels.
  await writeFile(path.join(app, 'requirements.txt'), 'packaging\n');
  const second = await deploy(server, app, plain);
  expect(second.report.error).toBeUndefined();
  expect(second.report.hosts[0]!.steps.find((s) => s.name === 'venv')?.detail).toMatch(/gunicorn: added/);
  expect(second.lines.filter((l) => /the tool installed it in the venv/.test(l))).toHaveLength(1);
  expect((await getJson(server, '/health', 'plain')).status).toBe(200);
});
