import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import type { RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, onServer, testLogger } from '../support/deploy.js';

// A release that adds a table with its migration tool, then a rollback with only host, key and app
// name. With a rollback-command the downgrade runs in the newer release before the switch back and
// the next deploy of the older code succeeds; without one, the rollback, verify and the next deploy
// say that the database is ahead of the code and what to run, and the failing pre-activate shows
// the tool's own error line. Two apps side by side on one server.
let server: SandboxServer;

beforeAll(async () => {
  server = await bootServer();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

// A migration tool in the spirit of Alembic: revisions in the code, the database's in a table;
// upgrade refuses a database newer than the code (as `flask db upgrade` does).
const MIGRATE = (head: number) => `import os, sqlite3, sys
HEAD = ${head}
db = sqlite3.connect(os.environ.get("DATABASE") or os.path.join(os.environ["INSTANCE_PATH"], "app.db"))
db.execute("CREATE TABLE IF NOT EXISTS schema_rev (rev INTEGER)")
row = db.execute("SELECT rev FROM schema_rev").fetchone()
cur = row[0] if row else 0
def set_rev(r):
    db.execute("DELETE FROM schema_rev"); db.execute("INSERT INTO schema_rev VALUES (?)", (r,)); db.commit()
if sys.argv[1] == "upgrade":
    if cur > HEAD:
        sys.exit(f"ERROR [migrate] Can't locate revision identified by '{cur}'")
    if cur < 2 <= HEAD:
        db.execute("CREATE TABLE extra (x TEXT)")
    set_rev(HEAD)
elif sys.argv[1] == "downgrade":
    to = int(sys.argv[2])
    if cur >= 2 > to:
        db.execute("DROP TABLE extra")
    set_rev(to)
`;

async function release(src: string, head: number, note: string): Promise<void> {
  await writeFile(path.join(src, 'migrate.py'), `${MIGRATE(head)}# ${note}\n`);
}

async function bare(mode: string, app: string): Promise<RunReport> {
  const inputs: Record<string, string> = {
    mode,
    host: server.host,
    user: server.user,
    'private-key': await readFile(server.privateKeyPath, 'utf8'),
    'known-hosts': server.knownHosts,
    'app-name': app
  };
  return (
    await runEngine(
      parseSettings((n) => inputs[n] ?? ''),
      { logger: testLogger() }
    )
  ).report;
}

const ok = (r: RunReport) => ({ ok: r.ok, error: r.error });
const tables = (app: string) =>
  onServer(server, `sqlite3 /srv/${app}/shared/instance/app.db '.tables'`).then((t) => t.split(/\s+/));

/** Two releases, the second adding a table; returns their ids. */
async function twoReleases(
  app: string,
  over: Record<string, string>,
  procfile = ''
): Promise<[string, string, string]> {
  const src = await appCopy();
  if (procfile) await writeFile(path.join(src, 'Procfile'), procfile);
  const inputs = { 'app-name': app, 'pre-activate': 'python migrate.py upgrade', ...over };
  await release(src, 1, 'one');
  const one = await deploy(server, src, inputs);
  expect(ok(one.report)).toEqual({ ok: true, error: undefined });
  await release(src, 2, 'two');
  const two = await deploy(server, src, inputs);
  expect(ok(two.report)).toEqual({ ok: true, error: undefined });
  expect(await tables(app)).toContain('extra');
  return [src, one.report.hosts[0]!.facts.release!, two.report.hosts[0]!.facts.release!];
}

async function withRollbackCommand(): Promise<void> {
  const app = 'miga';
  const [src, r1, r2] = await twoReleases(app, { 'rollback-command': 'python migrate.py downgrade 1' });
  const back = await bare('rollback', app);
  expect(ok(back)).toEqual({ ok: true, error: undefined });
  const steps = back.hosts[0]!.steps;
  expect(steps.find((s) => s.name === 'rollback-command')?.detail).toBe(`ran in ${r2}`);
  // Before the older release boots.
  expect(steps.findIndex((s) => s.name === 'rollback-command')).toBeLessThan(
    steps.findIndex((s) => s.name === 'candidate')
  );
  expect(back.hosts[0]!.facts.release).toBe(r1);
  expect(await tables(app)).not.toContain('extra');
  expect(back.hosts[0]!.facts['database-warning']).toBeUndefined();
  // The next deploy of the older code: its upgrade knows the database again.
  await release(src, 1, 'one again');
  const next = await deploy(server, src, { 'app-name': app, 'pre-activate': 'python migrate.py upgrade' });
  expect(ok(next.report)).toEqual({ ok: true, error: undefined });
}

// The Procfile's `rollback:` is the release's rollback-command, remembered with it the same way.
async function procfileRollback(): Promise<void> {
  const app = 'migc';
  const [, r1, r2] = await twoReleases(app, {}, 'rollback: python migrate.py downgrade 1\n');
  const back = await bare('rollback', app);
  expect(ok(back)).toEqual({ ok: true, error: undefined });
  const steps = back.hosts[0]!.steps;
  expect(steps.find((s) => s.name === 'rollback-command')?.detail).toBe(`ran in ${r2}`);
  expect(back.hosts[0]!.facts.release).toBe(r1);
  expect(await tables(app)).not.toContain('extra');
  expect(back.hosts[0]!.facts['database-warning']).toBeUndefined();
}

async function withoutRollbackCommand(): Promise<void> {
  const app = 'migb';
  const [src, r1, r2] = await twoReleases(app, {});
  const back = await bare('rollback', app);
  expect(ok(back)).toEqual({ ok: true, error: undefined });
  expect(back.hosts[0]!.facts.release).toBe(r1);
  expect(back.hosts[0]!.facts['database-warning']).toContain(
    `the database is ahead of the code serving it: release ${r2} migrated it`
  );
  expect(back.hosts[0]!.facts['database-warning']).toContain('rollback-command');
  expect(await tables(app)).toContain('extra');
  const verified = await bare('verify', app);
  expect(verified.hosts[0]!.facts['database-warning']).toContain(`release ${r2} migrated it`);
  const status = await bare('status', app);
  expect(ok(status)).toEqual({ ok: true, error: undefined });
  expect(status.hosts[0]!.facts['database-warning']).toContain(`release ${r2} migrated it`);
  // The next deploy of the older code: its upgrade refuses, and the tool's own line is in the error.
  await release(src, 1, 'one again');
  const next = await deploy(server, src, { 'app-name': app, 'pre-activate': 'python migrate.py upgrade' });
  expect(next.report.ok).toBe(false);
  expect(next.report.error).toContain("Can't locate revision identified by '2'");
  expect(next.report.error).toContain(`the database is ahead of the code serving it: release ${r2}`);
  // The failed upgrade changed nothing: no "may hold the new schema" warning.
  expect(next.report.hosts[0]!.facts['database-warning']).toBeUndefined();
  expect(next.lines.join('\n')).toContain("left the database's schema as it was");
  expect((await onServer(server, `readlink /srv/${app}/current`)).trim()).toBe(`releases/${r1}`);
  // The way out it names: forward to the newer release, back again with its downgrade.
  const forward = await deploy(server, src, { 'app-name': app, mode: 'rollback', 'rollback-to': r2 });
  expect(ok(forward.report)).toEqual({ ok: true, error: undefined });
  const again = await deploy(server, src, {
    'app-name': app,
    mode: 'rollback',
    'rollback-to': r1,
    'rollback-command': 'python migrate.py downgrade 1'
  });
  expect(ok(again.report)).toEqual({ ok: true, error: undefined });
  expect(await tables(app)).not.toContain('extra');
  const last = await deploy(server, src, { 'app-name': app, 'pre-activate': 'python migrate.py upgrade' });
  expect(ok(last.report)).toEqual({ ok: true, error: undefined });
}

// Flask's tutorial order: provision, then a one-off command creates the tables. The first
// checklist warns (with the command) instead of failing; a database that went missing is red.
async function noDatabaseYet(): Promise<void> {
  const app = 'flaskdb';
  const src = await mkdtemp(path.join(os.tmpdir(), 'gd-flaskdb-'));
  await cp(path.resolve('examples/flask-factory'), src, { recursive: true });
  const inputs = {
    'app-name': app,
    'wsgi-app': 'flaskr:create_app()',
    'sqlite-db': 'instance/flaskr.sqlite'
  };
  const first = await deploy(server, src, { ...inputs, mode: 'provision', 'health-interval': '30s' });
  expect(ok(first.report)).toEqual({ ok: true, error: undefined });
  expect(first.report.hosts[0]!.facts.database).toMatch(
    /^WARN: no database yet at \/srv\/flaskdb\/shared\/instance\/flaskr\.sqlite: create it with a one-off command/
  );
  const made = await deploy(server, src, { ...inputs, mode: 'run', command: 'flask --app flaskr init-db' });
  expect(ok(made.report)).toEqual({ ok: true, error: undefined });
  await writeFile(path.join(src, 'flaskr', 'extra.py'), '# two\n');
  expect(ok((await deploy(server, src, inputs)).report)).toEqual({ ok: true, error: undefined });
  expect((await bare('verify', app)).hosts[0]!.facts.database).toMatch(/^ok/);
  await onServer(server, `rm -f /srv/${app}/shared/instance/flaskr.sqlite*`);
  const gone = await bare('verify', app);
  expect(gone.ok).toBe(false);
  expect(gone.hosts[0]!.facts.database).toMatch(/^RED: the database at \S+ went missing \(it existed: seen /);
}

test('a rollback across a migration: the rollback-command (or the Procfile rollback:) runs in the newer release; without one, every run says the database is ahead; a first provision without a database warns', async () => {
  const results = await Promise.allSettled([
    withRollbackCommand(),
    withoutRollbackCommand(),
    noDatabaseYet(),
    procfileRollback()
  ]);
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [
          `${['with rollback-command', 'without rollback-command', 'no database yet', 'Procfile rollback:'][i]}: ${String(r.reason)}`
        ]
      : []
  );
  expect(failed).toEqual([]);
}, 900_000);
