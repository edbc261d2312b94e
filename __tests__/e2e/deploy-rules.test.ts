import { readFile } from 'node:fs/promises';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { appLayout } from '../../src/deploy/paths.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { layoutScript } from '../../src/steps/layout.js';
import { shQuote } from '../../src/ssh/quote.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, inputsFor, onServer } from '../support/deploy.js';

// Names that cannot collide, inputs refused before any connection, a disk floor, and a preflight
// that says what deploy would say. Every refusal must leave the server exactly as it was.
let server: SandboxServer;
let bare: SandboxServer;
let app: string;

beforeAll(async () => {
  [server, bare] = await Promise.all([bootServer(), bootServer({ bare: true })]);
  app = await appCopy();
}, 600_000);
afterAll(async () => {
  await Promise.all([server && stopServer(server), bare && stopServer(bare)]);
});

/** What a refused run must not change: accounts, units, the app folders, /etc. */
const SNAPSHOT = [
  'getent passwd | sort',
  'getent group | sort',
  'ls -la --time-style=+%s /etc/systemd/system /srv /var/lib/gunicorn-deploy 2>&1',
  'md5sum /etc/systemd/system/*.service /lib/systemd/system/ssh.service 2>&1',
  'ls /var/log | grep -v journal',
  // Not /var/log itself: ssh logins and sudo write lastlog, wtmp and the journal.
  'find /etc /srv /var/lib/gunicorn-deploy -newer /tmp/gd-rules-mark 2>/dev/null | sort'
].join('; echo ==; ');

async function snapshot(s: SandboxServer = server): Promise<string> {
  return onServer(s, SNAPSHOT);
}

async function settingsFor(s: SandboxServer, over: Record<string, string>): Promise<DeployContext> {
  const key = await readFile(s.privateKeyPath, 'utf8');
  const inputs: Record<string, string> = { 'private-key': key, ...inputsFor(s, app), ...over };
  const settings = parseSettings((n) => inputs[n] ?? '');
  return { settings, paths: appLayout(settings) } as DeployContext;
}

/** Runs the deploy's layout step script on the server as root, as the deploy would. */
async function runLayout(over: Record<string, string>): Promise<string> {
  const ctx = await settingsFor(server, over);
  return onServer(
    server,
    `bash -c ${shQuote(`set -euo pipefail\n${layoutScript(ctx)}`)} 2>&1; echo "exit=$?"`
  );
}

test('reserved names and late-validated inputs are refused before any connection; nothing changes', async () => {
  await onServer(server, 'touch /tmp/gd-rules-mark; sleep 1');
  const before = await snapshot();
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'app-name': 'ssh' }, /input `app-name`: 'ssh' is reserved/],
    [{ 'app-name': 'root' }, /input `app-name`: 'root' is reserved/],
    [{ 'app-name': 'www-data' }, /input `app-name`: 'www-data' is reserved/],
    [{ 'app-name': 'nginx' }, /input `app-name`: 'nginx' is reserved/],
    [{ 'app-name': 'systemd-journald' }, /input `app-name`: 'systemd-journald' is reserved/],
    [{ 'app-name': server.user }, /input `app-name`: .* is the SSH login user/],
    [{ 'wsgi-app': "app:__import__('os').system('id')" }, /input `wsgi-app`: must be module:name/],
    [{ 'health-path': '/health$(id)' }, /input `health-path`: must be a URL path/],
    [{ env: 'PWD=/x' }, /input `env`: PWD is set by gunicorn-deploy or systemd/],
    [{ env: 'A=1\nA=2' }, /input `env`: A is set twice/],
    [{ env: 'TOKEN=a\rb' }, /input `env`: TOKEN: a value cannot contain a newline/],
    [{ 'app-dir': '/srv/x;id' }, /input `app-dir`: must be an absolute path of letters/],
    [{ 'app-dir': '/etc/.' }, /input `app-dir`: must not have \. or \.\. segments/],
    [{ 'app-dir': '/etc/shop' }, /input `app-dir`: '\/etc\/shop' is a system folder/],
    [{ 'app-dir': `/home/${server.user}/shop` }, /input `app-dir`: .* is a system folder/],
    [{ 'health-timeout': '720h' }, /input `health-timeout`: must be at most 30m, got '720h'/]
  ];
  for (const [over, says] of cases) {
    let error: unknown;
    try {
      await deploy(server, app, { 'app-name': 'fresh', ...over });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toMatch(says);
    expect((error as Error).message).toContain('nothing was changed on any server');
  }
  expect(await snapshot()).toBe(before);
  expect(await onServer(server, 'id fresh 2>&1 || true; ls /srv/fresh 2>&1 || true')).toMatch(
    /no such user[\s\S]*No such file/
  );
}, 300_000);

test('an existing user the tool did not create: deploy, its layout step and preflight refuse; nothing changes', async () => {
  await onServer(
    server,
    'useradd --create-home --shell /bin/bash mallory; touch /tmp/gd-rules-mark; sleep 1'
  );
  const before = await snapshot();
  const passwd = await onServer(server, 'getent passwd mallory; id mallory');

  const { report } = await deploy(server, app, { 'app-name': 'mallory' });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(
    /app-name `mallory` is taken on this server by something gunicorn-deploy did not create/
  );
  expect(report.error).toMatch(/user mallory \(uid \d+, home \/home\/mallory\)/);
  expect(report.hosts[0]!.steps.map((s) => s.name)).toEqual(['connect', 'lock']);

  // The layout step refuses on its own too (it runs first whenever the lock was taken earlier).
  const layout = await runLayout({ 'app-name': 'mallory' });
  expect(layout).toMatch(/app-name `mallory` is taken[\s\S]*user mallory[\s\S]*exit=5/);

  // provision refuses in its first step, before apt or the user step.
  const prov = await deploy(server, app, { 'app-name': 'mallory', mode: 'provision' });
  expect(prov.report.ok).toBe(false);
  expect(prov.report.error).toMatch(/this server cannot be provisioned: .*app-name `mallory` is taken/);
  expect(prov.report.hosts[0]!.steps.map((s) => s.name)).toEqual(['connect', 'preflight']);

  const pre = await deploy(server, app, { 'app-name': 'mallory', mode: 'preflight' });
  expect(pre.report.ok).toBe(false);
  expect(pre.report.hosts[0]!.facts).toMatchObject({ usable: 'no' });
  expect(pre.report.hosts[0]!.facts['app-name']).toMatch(/^taken: user mallory/);
  expect(pre.report.error).toMatch(/app-name `mallory` is taken/);

  expect(await snapshot()).toBe(before);
  expect(await onServer(server, 'getent passwd mallory; id mallory')).toBe(passwd);
  expect(await onServer(server, 'ls -d /srv/mallory /etc/mallory /var/log/mallory 2>&1 || true')).not.toMatch(
    /^\/(srv|etc|var)/m
  );
}, 300_000);

test('a unit file written by hand: deploy, layout and preflight refuse; the unit is not overwritten', async () => {
  const unit = '[Unit]\nDescription=hand written, not gunicorn-deploy\n[Service]\nExecStart=/bin/true\n';
  await onServer(
    server,
    `printf '%s' ${shQuote(unit)} > /etc/systemd/system/legacy.service; touch /tmp/gd-rules-mark; sleep 1`
  );
  const before = await snapshot();

  const { report } = await deploy(server, app, { 'app-name': 'legacy' });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(
    /app-name `legacy` is taken[\s\S]*unit \/etc\/systemd\/system\/legacy\.service/
  );

  expect(await runLayout({ 'app-name': 'legacy' })).toMatch(
    /unit \/etc\/systemd\/system\/legacy\.service[\s\S]*exit=5/
  );

  const pre = await deploy(server, app, { 'app-name': 'legacy', mode: 'preflight' });
  expect(pre.report.hosts[0]!.facts).toMatchObject({ usable: 'no' });
  expect(pre.report.hosts[0]!.facts['app-name']).toContain('unit /etc/systemd/system/legacy.service');

  expect(await snapshot()).toBe(before);
  expect(await onServer(server, 'cat /etc/systemd/system/legacy.service')).toBe(unit);
  expect(await onServer(server, 'id legacy 2>&1 || true; ls /srv/legacy 2>&1 || true')).toMatch(
    /no such user[\s\S]*No such file/
  );
}, 300_000);

test('an app of its own deploys, is recognised as ours without the marker (older installs), and an app factory with arguments serves', async () => {
  await editFile(
    app,
    'app.py',
    (t) => `${t}\n\ndef create_app(mode):\n    app.config["MODE"] = mode\n    return app\n`
  );
  const first = await deploy(server, app, { 'wsgi-app': "app:create_app('prod')" });
  expect({ ok: first.report.ok, error: first.report.error }).toEqual({ ok: true, error: undefined });
  expect((await getJson(server, '/health')).status).toBe(200);
  expect(await onServer(server, 'cat /var/lib/gunicorn-deploy/shop.owned')).toMatch(
    /^user=shop\nuid=\d+\napp-dir=\/srv\/shop\n$/
  );
  expect(await onServer(server, 'systemctl show -p ExecStart --value shop.service')).toContain(
    "app:create_app('prod')"
  );

  // An install made before the marker existed: a system user whose home is app-dir, shell nologin.
  await onServer(server, 'rm /var/lib/gunicorn-deploy/shop.owned');
  const pre = await deploy(server, app, { mode: 'preflight' });
  expect(pre.report.hosts[0]!.facts).toMatchObject({ 'app-name': 'free or ours', usable: 'yes' });
  const again = await deploy(server, app);
  expect({ ok: again.report.ok, error: again.report.error }).toEqual({ ok: true, error: undefined });
  expect(await onServer(server, 'cat /var/lib/gunicorn-deploy/shop.owned')).toContain('user=shop');

  // A marker for another uid: the account of that name now is not the one the tool created.
  const marker = await onServer(server, 'cat /var/lib/gunicorn-deploy/shop.owned');
  await onServer(server, "sed -i 's/^uid=.*/uid=4242/' /var/lib/gunicorn-deploy/shop.owned");
  try {
    const other = await deploy(server, app, { mode: 'preflight' });
    expect(other.report.hosts[0]!.facts['app-name']).toMatch(
      /^taken: user shop \(uid \d+, home \/srv\/shop\)/
    );
  } finally {
    await onServer(server, `printf '%s' ${shQuote(marker)} > /var/lib/gunicorn-deploy/shop.owned`);
  }
}, 600_000);

test('below the disk floor (a 50 MB tmpfs as app-dir parent) deploy and preflight refuse before writing', async () => {
  await onServer(
    server,
    'mkdir -p /srv/tiny && mount -t tmpfs -o size=50M tmpfs /srv/tiny; touch /tmp/gd-rules-mark; sleep 1'
  );
  try {
    const before = await snapshot();
    const over = { 'app-name': 'tiny', 'app-dir': '/srv/tiny/app', 'min-free-space': '100MB' };
    const { report } = await deploy(server, app, over);
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(
      /only (4\d|50) MB free on the filesystem of \/srv\/tiny\/app \(\/srv\/tiny\): min-free-space needs 100 MB/
    );
    expect(report.error).toMatch(/Nothing was changed\. Free space/);

    expect(await runLayout(over)).toMatch(/min-free-space needs 100 MB[\s\S]*exit=6/);

    const pre = await deploy(server, app, { ...over, mode: 'preflight' });
    expect(pre.report.hosts[0]!.facts).toMatchObject({ usable: 'no' });
    expect(pre.report.hosts[0]!.facts['disk-free']).toMatch(/^(4\d|50) MB \(floor 100 MB\)$/);

    expect(await snapshot()).toBe(before);
    expect(await onServer(server, 'ls -A /srv/tiny; id tiny 2>&1 || true')).toMatch(
      /^no such user|^id: .*no such user/
    );
    // auto (500 MB or 5 %, whichever is less) lets a small filesystem through: 5 % of 50 MB.
    const auto = await deploy(server, app, { ...over, 'min-free-space': 'auto', mode: 'preflight' });
    expect(auto.report.hosts[0]!.facts['disk-free']).toMatch(/\(floor 2 MB\)$/);
  } finally {
    await onServer(server, 'umount /srv/tiny; rmdir /srv/tiny');
  }
}, 300_000);

test('preflight on a bare server: usable no, with the apt command deploy would need', async () => {
  const { report } = await deploy(bare, app, { mode: 'preflight' });
  expect(report.ok).toBe(false);
  const facts = report.hosts[0]!.facts;
  expect(facts).toMatchObject({
    usable: 'no',
    sudo: 'yes',
    systemd: 'yes',
    venv: 'no (apt-get install python3-venv)',
    packages: 'missing: apt-get install -y python3-venv sqlite3'
  });
  expect(report.error).toMatch(
    /missing packages: python3-venv sqlite3: run `sudo apt-get install -y python3-venv sqlite3` on the server, or mode provision/
  );
  // Without sqlite-db, sqlite3 is not needed.
  const noDb = await deploy(bare, app, { mode: 'preflight', 'sqlite-db': '' });
  expect(noDb.report.hosts[0]!.facts.packages).toBe('missing: apt-get install -y python3-venv');
}, 300_000);
