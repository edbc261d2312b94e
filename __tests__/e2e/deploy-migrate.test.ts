import type { SandboxServer } from '../../src/sandbox/index.js';
import { summaryMarkdown } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, onServer, startLoad } from '../support/deploy.js';

// A release that fails after its migration ran (here: refused by its candidate boot, after
// pre-activate added a column) puts the old code back in front of the new schema: the run says so
// and names the restore; with rollback-restore-database the pre-deploy backup comes back, but only
// when nothing wrote to the database since the migration.
const DB = '/srv/shop/shared/instance/app.db';
const MIGRATE = `sqlite3 -cmd '.timeout 10000' ${DB} 'ALTER TABLE rows ADD COLUMN note TEXT'`;
let server: SandboxServer;
let good: string;
let broken: string;

beforeAll(async () => {
  server = await bootServer();
  good = await appCopy();
  broken = await appCopy();
  await editFile(
    broken,
    'app.py',
    (t) =>
      `${t}\n@app.before_request\ndef _broken():\n    if request.path == "/health":\n        return "broken", 500\n`
  );
  expect((await deploy(server, good)).report.error).toBeUndefined();
  await onServer(
    server,
    'for i in $(seq 10); do curl -sS -o /dev/null --unix-socket /run/shop/gunicorn.sock "http://localhost/write?value=before"; done'
  );
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

const hasNote = async (): Promise<boolean> =>
  (await onServer(server, `sqlite3 ${DB} 'PRAGMA table_info(rows)'`)).includes('|note|');

test('a rollback after pre-activate warns that the schema may be new and prints the restore command; that command restores it', async () => {
  const { report, lines } = await deploy(server, broken, { 'pre-activate': MIGRATE, 'health-timeout': '5s' });
  expect(report.ok).toBe(false);
  const facts = report.hosts[0]!.facts;
  const backup = facts['pre-deploy-backup']!;
  expect(backup).toMatch(/^app\.db-\d{8}T\d{6}Z-.*\.db$/);
  expect(facts['database-warning']).toContain('the database may hold the new schema');
  expect(facts['database-warning']).toContain(
    `gunicorn-deploy restore --host '${server.host}' --app-name 'shop' --backup '${backup}'`
  );
  expect(lines.join('\n')).toContain(`--backup '${backup}'`);
  expect(summaryMarkdown(report, [])).toContain(`--backup '${backup}'`);
  expect(await hasNote()).toBe(true);
  // The command it printed, as a mode: the column is gone and the rows are all there.
  const restored = await deploy(server, good, { mode: 'restore', backup });
  expect(restored.report.error).toBeUndefined();
  expect(await hasNote()).toBe(false);
  expect((await onServer(server, `sqlite3 ${DB} 'SELECT count(*) FROM rows'`)).trim()).toBe('10');
}, 300_000);

test('rollback-restore-database with no write since the migration: the pre-deploy backup is back', async () => {
  expect(await hasNote()).toBe(false);
  const { report } = await deploy(server, broken, {
    'pre-activate': MIGRATE,
    'health-timeout': '5s',
    'rollback-restore-database': 'true'
  });
  expect(report.ok).toBe(false);
  const facts = report.hosts[0]!.facts;
  expect(facts['database-warning']).toBeUndefined();
  expect(facts['database-restored']).toBe('true');
  expect(await hasNote()).toBe(false);
  expect((await onServer(server, `sqlite3 ${DB} 'SELECT count(*) FROM rows'`)).trim()).toBe('10');
  expect((await onServer(server, `sqlite3 ${DB} 'PRAGMA integrity_check'`)).trim()).toBe('ok');
  expect(summaryMarkdown(report, [])).toContain('pre-deploy backup');
}, 300_000);

test('rollback-restore-database with a write since the migration: refused, the write kept', async () => {
  const writes = await startLoad(server, { path: '/write?value=during-deploy', ok: 201, clients: 1 });
  const { report } = await deploy(server, broken, {
    'pre-activate': MIGRATE,
    'health-timeout': '5s',
    'rollback-restore-database': 'true'
  });
  const counts = await writes.stop();
  expect(report.ok).toBe(false);
  const facts = report.hosts[0]!.facts;
  expect(facts['database-restored']).toBe('refused');
  expect(facts['database-warning']).toMatch(/changed since pre-activate finished/);
  expect(facts['database-warning']).toContain(`--backup '${facts['pre-deploy-backup']}'`);
  expect(await hasNote()).toBe(true);
  expect(counts.failed).toBe(0);
  const stored = await onServer(
    server,
    `sqlite3 ${DB} "SELECT count(*) FROM rows WHERE value = 'during-deploy'"`
  );
  expect(Number(stored.trim())).toBe(counts.ok);
  expect(counts.ok).toBeGreaterThan(0);
}, 300_000);
