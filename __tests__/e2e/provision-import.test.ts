import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer } from '../support/deploy.js';

// A READY server (packages already there, so apt is skipped): an SQLite file taken from the old
// setup (say, out of a Docker volume) is imported before the app first starts.
let server: SandboxServer;
let app: string;

const LEGACY = `
CREATE TABLE rows (id INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT NOT NULL, created_at TEXT NOT NULL, release TEXT NOT NULL);
PRAGMA journal_mode = WAL;
`;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  const inserts = Array.from(
    { length: 250 },
    (_, i) =>
      `INSERT INTO rows (value, created_at, release) VALUES ('legacy-${i + 1}', '2025-01-01T00:00:00Z', 'docker');`
  ).join('\n');
  // Left in WAL mode with rows only in the -wal file: a plain cp would lose them.
  await onServer(
    server,
    `mkdir -p /root/from-docker && sqlite3 /root/from-docker/app.db <<'SQL'\n${LEGACY}\n${inserts}\nSQL\nls /root/from-docker`
  );
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

const IMPORT = { mode: 'provision', 'import-database': '/root/from-docker/app.db' };

test('import-database: every row of the old database is served by the app', async () => {
  const { report } = await deploy(server, app, IMPORT);
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  const steps = Object.fromEntries(report.hosts[0]!.steps.map((s) => [s.name, s]));
  expect(steps.packages!.changed).toBe(false); // a ready server: apt not touched
  expect(steps['import-database']!.changed).toBe(true);
  const rows = await getJson(server, '/rows');
  expect(rows.status).toBe(200);
  expect(rows.body.count).toBe(250);
  expect(rows.body.items[249].value).toBe('legacy-250');
  expect((await onServer(server, 'stat -c %U:%G /srv/shop/shared/instance/app.db')).trim()).toBe('shop:shop');
});

test('a second provision with the same import changes nothing; another file is refused', async () => {
  const again = await deploy(server, app, IMPORT);
  expect({ ok: again.report.ok, error: again.report.error }).toEqual({ ok: true, error: undefined });
  expect(again.report.hosts[0]!.steps.filter((s) => s.changed).map((s) => s.name)).toEqual([]);
  await onServer(server, 'cp /srv/shop/shared/instance/app.db /root/other.db');
  const refused = await deploy(server, app, { ...IMPORT, 'import-database': '/root/other.db' });
  expect(refused.report.ok).toBe(false);
  expect(refused.report.error).toMatch(/a database is already at \/srv\/shop\/shared\/instance\/app\.db/);
  expect(refused.report.error).toMatch(/import-database-force/);
  const missing = await deploy(server, app, { ...IMPORT, 'import-database': '/root/nope.db' });
  expect(missing.report.error).toMatch(/\/root\/nope\.db does not exist on the server/);
  // The app still serves the imported rows.
  expect((await getJson(server, '/rows')).body.count).toBe(250);
});

test('import-database-force replaces the database and keeps the old one as a backup', async () => {
  await onServer(server, 'sqlite3 /root/other.db "DELETE FROM rows WHERE id > 10"');
  const { report } = await deploy(server, app, {
    ...IMPORT,
    'import-database': '/root/other.db',
    'import-database-force': 'true'
  });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  expect((await getJson(server, '/rows')).body.count).toBe(10);
  expect(await onServer(server, 'ls /srv/shop/backups')).toMatch(/before-import-.*\.db/);
});

test('provision works logged in as root too (no sudo), and the app still runs as its own user', async () => {
  await onServer(
    server,
    'install -d -m 0700 /root/.ssh && install -m 0600 /home/deploy/.ssh/authorized_keys /root/.ssh/authorized_keys'
  );
  const { report } = await deploy(server, app, {
    ...IMPORT,
    'import-database': '/root/other.db',
    'import-database-force': 'true',
    user: 'root'
  });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  expect(report.hosts[0]!.steps.filter((s) => s.changed === true).map((s) => s.name)).toEqual([]);
  const owner = await onServer(server, 'ps -o user= -p $(systemctl show -p MainPID --value shop.service)');
  expect(owner.trim()).toBe('shop');
});
