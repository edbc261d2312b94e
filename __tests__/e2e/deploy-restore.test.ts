import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer, startLoad } from '../support/deploy.js';

// Data you can get back: a backup restored under load refuses no request and leaves the database
// equal to the backup (plus the writes answered after it); a corrupt backup and an app that is not
// healthy on the restored data both leave the database as it was.
const run = promisify(execFile);
const DB = '/srv/shop/shared/instance/app.db';
const sql = (q: string, db = DB): string => `sqlite3 ${db} "${q}"`;
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  const first = await deploy(server, app);
  expect(first.report.error).toBeUndefined();
  await onServer(
    server,
    `for i in $(seq 30); do curl -sS -o /dev/null --unix-socket /run/shop/gunicorn.sock "http://localhost/write?value=in-backup"; done`
  );
  // The second deploy takes the backup of those 30 rows.
  const second = await deploy(server, app);
  expect(second.report.error).toBeUndefined();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

/** Every row as text, in id order: what "equal" means for two databases here. */
async function rowsOf(db = DB): Promise<string[]> {
  const out = await onServer(server, sql('SELECT id, value, created_at FROM rows ORDER BY id', db));
  return out.trim().split('\n').filter(Boolean);
}

test('mode backups lists the backups; download-backup brings the newest to the runner, sound and with the same checksum', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-download-'));
  const { report, lines } = await deploy(server, app, { mode: 'backups', 'download-backup': `${dir}/` });
  expect(report.error).toBeUndefined();
  const host = report.hosts[0]!;
  const onDisk = (await onServer(server, 'ls -1 /srv/shop/backups/')).trim().split('\n');
  const listed = JSON.parse(host.facts.backups!) as { id: string; integrity: string; takenBy: string }[];
  expect(listed.map((b) => b.id).sort()).toEqual(onDisk.sort());
  expect(listed[0]!.integrity).toBe('ok');
  expect(listed[0]!.takenBy).toMatch(/^deploy of \d{8}T\d{6}Z-/);
  expect(lines.join('\n')).toContain(listed[0]!.id);
  const file = host.facts['downloaded-backup']!;
  expect(file).toBe(path.join(dir, listed[0]!.id));
  const local = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  const remote = (await onServer(server, `sha256sum /srv/shop/backups/${listed[0]!.id}`)).split(' ')[0];
  expect(local).toBe(remote);
  const { stdout } = await run('sqlite3', [file, 'PRAGMA integrity_check; SELECT count(*) FROM rows;']);
  expect(stdout.trim().split('\n')).toEqual(['ok', '30']);
}, 300_000);

test('a deploy with download-backup brings the backup it took to the runner, sound and with the same checksum', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-download-'));
  const { report } = await deploy(server, app, { 'download-backup': dir });
  expect(report.error).toBeUndefined();
  const facts = report.hosts[0]!.facts;
  const id = path.basename(facts.backup!);
  expect(id).toBe(`app.db-${facts.release}.db`);
  expect(facts['downloaded-backup']).toBe(path.join(dir, id));
  const local = createHash('sha256')
    .update(await readFile(facts['downloaded-backup']!))
    .digest('hex');
  expect(facts['backup-sha256']).toBe(local);
  expect((await onServer(server, `sha256sum ${facts.backup}`)).split(' ')[0]).toBe(local);
  const { stdout } = await run('sqlite3', [facts['downloaded-backup']!, 'PRAGMA integrity_check']);
  expect(stdout.trim()).toBe('ok');
  // Only the newest is the deploy's: the restore below picks it as latest.
  await onServer(server, `rm -f ${facts.backup}`);
}, 300_000);

test('a restore under 20 readers and a write loop: no failed request, the database is the backup plus what came after', async () => {
  const backupRows = await rowsOf('/srv/shop/backups/app.db-*.db');
  expect(backupRows).toHaveLength(30);
  await onServer(
    server,
    `for i in $(seq 20); do curl -sS -o /dev/null --unix-socket /run/shop/gunicorn.sock "http://localhost/write?value=after-backup"; done`
  );
  const readers = await startLoad(server, { path: '/health', clients: 20 });
  const writers = await startLoad(server, { path: '/write?value=during-restore', ok: 201, clients: 2 });
  await new Promise((r) => setTimeout(r, 1500));
  const { report } = await deploy(server, app, { mode: 'restore' });
  await new Promise((r) => setTimeout(r, 1500));
  const reads = await readers.stop();
  const writes = await writers.stop();
  expect(report.error).toBeUndefined();
  expect(report.status).toBe('restored');
  const facts = report.hosts[0]!.facts;
  expect(facts['restored-backup']).toMatch(/^app\.db-\d{8}T\d{6}Z-.*\.db$/);
  expect(Number(facts['requests-held-ms'])).toBeGreaterThan(0);
  expect({ failed: reads.failed, errors: reads.errors }).toEqual({ failed: 0, errors: {} });
  expect({ failed: writes.failed, errors: writes.errors }).toEqual({ failed: 0, errors: {} });
  expect(reads.ok).toBeGreaterThan(100);
  // The figure for the report: how long requests waited, and what the clients saw.
  console.log(
    `restore: requests held ${facts['requests-held-ms']} ms; reads ${reads.ok} ok (max ${reads.max_ms} ms), writes ${writes.ok} ok (max ${writes.max_ms} ms)`
  );

  const now = await rowsOf();
  // The backup's rows, exactly; after them only writes answered after the restore.
  expect(now.slice(0, 30)).toEqual(backupRows);
  for (const r of now.slice(30)) expect(r).toContain('|during-restore|');
  expect(now.some((r) => r.includes('after-backup'))).toBe(false);
  expect(now.length).toBeGreaterThan(30);
  expect((await onServer(server, sql('PRAGMA integrity_check'))).trim()).toBe('ok');
  expect((await onServer(server, `stat -c %U:%G ${DB}`)).trim()).toBe('shop:shop');
  expect((await getJson(server, '/health')).status).toBe(200);
  // What was there before is kept: the safety copy holds the rows written after the backup.
  const safety = `/srv/shop/backups/${facts['safety-backup']}`;
  expect(
    (await onServer(server, sql("SELECT count(*) FROM rows WHERE value = 'after-backup'", safety))).trim()
  ).toBe('20');
  const history = await onServer(server, 'tail -n 1 /srv/shop/.deploy/history.log');
  expect(JSON.parse(history)).toMatchObject({
    event: 'restore',
    status: 'restored',
    backup: facts['restored-backup']
  });
}, 300_000);

test('a corrupt backup is refused and the database is untouched', async () => {
  const before = await onServer(server, `sqlite3 ${DB} .dump | sha256sum`);
  await onServer(
    server,
    'f=$(ls -1t /srv/shop/backups/app.db-2*.db | head -n 1); cp "$f" /srv/shop/backups/app.db-bad.db; ' +
      'head -c 4096 /dev/urandom | dd of=/srv/shop/backups/app.db-bad.db bs=4096 seek=1 conv=notrunc status=none'
  );
  const { report } = await deploy(server, app, { mode: 'restore', backup: 'app.db-bad.db' });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(/app\.db-bad\.db fails PRAGMA integrity_check/);
  expect(report.error).toMatch(/the database is as it was/);
  expect(await onServer(server, `sqlite3 ${DB} .dump | sha256sum`)).toBe(before);
  expect((await getJson(server, '/health')).status).toBe(200);
  await onServer(server, 'rm -f /srv/shop/backups/app.db-bad.db');
}, 300_000);

test('a restore the app is not healthy on puts the database back as it was', async () => {
  const before = await rowsOf();
  // A sound database the app cannot serve: its `rows` is a view that fails when read.
  await onServer(
    server,
    `rm -f /tmp/broken.db; sqlite3 /tmp/broken.db "CREATE VIEW rows AS SELECT 1 AS id WHERE json('x');" && ` +
      'install -m 0640 -o root -g shop /tmp/broken.db /srv/shop/backups/app.db-broken.db'
  );
  const { report } = await deploy(server, app, {
    mode: 'restore',
    backup: 'app.db-broken.db',
    'health-timeout': '5s'
  });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(/was put back and the app is healthy again/);
  expect(await rowsOf()).toEqual(before);
  expect((await onServer(server, sql('PRAGMA integrity_check'))).trim()).toBe('ok');
  expect((await getJson(server, '/health')).status).toBe(200);
  await onServer(server, 'rm -f /srv/shop/backups/app.db-broken.db');
}, 300_000);

test('backup: undo puts back exactly the last restore safety copy, even after a daily backup, and says what it drops', async () => {
  // The first restore above recorded its safety copy, root-only (the failed restores since did not).
  const record = await onServer(server, 'stat -c "%a %U" /etc/shop/last-restore; cat /etc/shop/last-restore');
  expect(record).toMatch(/^600 root\nsafety=app\.db-safety-\S+\.db\nbackup=app\.db-\S+\.db\ntime=\S+Z\n$/);
  const safety = /safety=(\S+)/.exec(record)![1]!;
  const safetyRows = await rowsOf(`/srv/shop/backups/${safety}`);
  await onServer(
    server,
    `for i in $(seq 5); do curl -sS -o /dev/null --unix-socket /run/shop/gunicorn.sock "http://localhost/write?value=after-restore"; done
# A daily backup taken after the restore: the newest backup, which latest would pick.
sqlite3 ${DB} ".backup /tmp/daily.db" && gzip -c /tmp/daily.db > /srv/shop/backups/shop-$(date -u +%Y%m%dT%H%M%SZ).db.gz`
  );
  const { report, lines } = await deploy(server, app, { mode: 'restore', backup: 'undo' });
  expect(report.error).toBeUndefined();
  const facts = report.hosts[0]!.facts;
  expect(facts['restored-backup']).toBe(safety);
  expect(lines.join('\n')).toMatch(
    new RegExp(
      `undoing the restore of app\\.db-\\S+\\.db at \\S+Z: the database goes back to its safety copy ${safety.replace(/\./g, '\\.')}; every write since that restore is dropped`
    )
  );
  expect(await rowsOf()).toEqual(safetyRows);
  // The dropped writes are in this run's own safety copy, which the record now names: undo again redoes.
  const again = `/srv/shop/backups/${facts['safety-backup']}`;
  expect(
    (await onServer(server, sql("SELECT count(*) FROM rows WHERE value = 'after-restore'", again))).trim()
  ).toBe('5');
  expect(await onServer(server, 'sed -n 1p /etc/shop/last-restore')).toBe(
    `safety=${facts['safety-backup']}\n`
  );
  expect((await getJson(server, '/health')).status).toBe(200);
}, 300_000);
