import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';
import { attackStep } from '../support/planted.js';

// The Django example on Debian's PostgreSQL (trixie: 17, bookworm: 15), installed but disabled in
// the image: provision enables and starts it, makes the app's role (peer authentication, no
// password) and its database, and DATABASE_URL=postgresql:///mysite reaches the app.
const run = promisify(execFile);
let trixie: SandboxServer;
let bookworm: SandboxServer;
let app: string;

const SITE = 'pg.example.test';
const INPUTS = {
  'app-name': 'mysite',
  'wsgi-app': 'mysite.wsgi:application',
  'sqlite-db': '',
  database: 'postgres',
  'pre-activate': 'python manage.py migrate --noinput',
  'server-name': SITE,
  'health-interval': '30s',
  'smoke-paths': '/notes/',
  env: [
    'DJANGO_SECRET_KEY=not-a-real-secret-but-long-enough-for-the-test-0123456789',
    `DJANGO_ALLOWED_HOSTS=${SITE},localhost,127.0.0.1`
  ].join('\n')
};
const PROVISION = { ...INPUTS, mode: 'provision', 'apt-packages': 'python3-django python3-psycopg2' };

/** SQL as the app's own user through the socket: what peer authentication lets it do. */
const asApp = (server: SandboxServer, sql: string) =>
  onServer(server, `cd / && runuser -u mysite -- psql -XAtq -d mysite -c ${JSON.stringify(sql)}`);

beforeAll(async () => {
  [trixie, bookworm] = await Promise.all([bootServer(), bootServer({ suite: 'bookworm' })]);
  app = await mkdtemp(path.join(os.tmpdir(), 'gd-django-pg-'));
  await cp(path.resolve('examples/django-app'), app, { recursive: true });
  await writeFile(path.join(app, 'requirements-bookworm.txt'), 'django>=3.2\n');
}, 600_000);
afterAll(async () => {
  await Promise.all([trixie, bookworm].filter((s) => s).map((s) => stopServer(s)));
});

/** Provision on one server: PostgreSQL MAJOR started, role and database made; again: unchanged. */
async function provisionOn(server: SandboxServer, major: number): Promise<void> {
  // bookworm's python3-django is 3.2: the example runs on it, its requirements say 4.2.
  const inputs = major === 15 ? { ...PROVISION, requirements: 'requirements-bookworm.txt' } : PROVISION;
  const first = await deploy(server, app, inputs);
  expect(first.report.error).toBeUndefined();
  const step = first.report.hosts[0]!.steps.find((s) => s.name === 'postgresql')!;
  expect(step.detail).toMatch(new RegExp(`changed: .*database.* \\(PostgreSQL ${major}, database mysite\\)`));
  expect(await onServer(server, 'systemctl is-enabled postgresql')).toBe('enabled\n');
  // The app's user owns its database, has no other power, and no password is set anywhere.
  expect(
    await onServer(
      server,
      `cd / && runuser -u postgres -- psql -XAtq -c "select rolsuper, rolcreatedb, rolpassword is null from pg_authid where rolname='mysite'"`
    )
  ).toBe('f|f|t\n');
  expect(await onServer(server, 'grep DATABASE_URL /etc/mysite/env')).toMatch(
    /^DATABASE_URL="?postgresql:\/\/\/mysite"?\n$/
  );
  // pre-activate ran migrate on PostgreSQL: the app's tables are there, owned by the app.
  expect(await asApp(server, "select tableowner from pg_tables where tablename='notes_note'")).toBe(
    'mysite\n'
  );
  expect((await getJson(server, '/health', 'mysite')).body).toMatchObject({ status: 'ok', notes: 0 });
  // The deploy's pg_dump, before the switch (pre-activate is set), checked by pg_restore --list.
  expect(first.report.hosts[0]!.steps.find((s) => s.name === 'backup')!.detail).toMatch(
    /\/srv\/mysite\/backups\/mysite-.*\.dump \(\d+ bytes, pg_restore --list ok\)/
  );
  const again = await deploy(server, app, inputs);
  expect(again.report.error).toBeUndefined();
  expect(again.report.hosts[0]!.steps.find((s) => s.name === 'postgresql')!.detail).toMatch(/^unchanged/);
}

test('provision on trixie (PostgreSQL 17) and bookworm (15): role, database, migrate, a dump; again unchanged', async () => {
  await Promise.all([provisionOn(trixie, 17), provisionOn(bookworm, 15)]);
});

const notes = async (): Promise<string[]> =>
  (await asApp(trixie, 'select text from notes_note order by id')).split('\n').filter((l) => l);

test('rows written through the app survive deploys (each with its dump) and a rollback', async () => {
  for (const t of ['one', 'two', 'three'])
    expect((await getJson(trixie, `/notes/write?text=${t}`, 'mysite')).status).toBe(201);
  const releases: string[] = [];
  for (let v = 2; v <= 6; v++) {
    await editFile(app, 'notes/views.py', (t) =>
      t.replace(/"status": "ok"(, "v": \d+)?/, `"status": "ok", "v": ${v}`)
    );
    const { report } = await deploy(trixie, app, { ...INPUTS, 'backups-keep': '3' });
    expect(report.error).toBeUndefined();
    releases.push(report.hosts[0]!.facts.release!);
    expect(await notes()).toEqual(['one', 'two', 'three']);
  }
  // backups-keep: the newest three dumps of the database.
  expect((await onServer(trixie, 'ls /srv/mysite/backups/ | grep -c "^mysite-.*\\.dump$"')).trim()).toBe('3');
  const back = await deploy(trixie, app, { ...INPUTS, mode: 'rollback' });
  expect(back.report.error).toBeUndefined();
  expect((await getJson(trixie, '/health', 'mysite')).body).toMatchObject({ v: 5, notes: 3 });
  expect(await notes()).toEqual(['one', 'two', 'three']);
});

test('mode backups lists the dumps; download-backup brings the newest with a checked sha256', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-pg-dl-'));
  const { report } = await deploy(trixie, app, { ...INPUTS, mode: 'backups', 'download-backup': `${dir}/` });
  expect(report.error).toBeUndefined();
  const f = report.hosts[0]!.facts;
  expect(f['latest-backup']).toMatch(/^mysite-.*\.dump$/);
  const local = f['downloaded-backup']!;
  const sha = (await run('sha256sum', [local])).stdout.split(' ')[0];
  expect(sha).toBe(f['backup-sha256']);
  expect(
    await onServer(trixie, `sha256sum < /srv/mysite/backups/${f['latest-backup']} | cut -d' ' -f1`)
  ).toBe(`${sha}\n`);
  // The runner's pg_restore may be older than the server's dump format: the header here, and the
  // server's pg_restore reads the very bytes (same sha256).
  expect((await readFile(local)).subarray(0, 5).toString('latin1')).toBe('PGDMP');
  expect(
    await onServer(
      trixie,
      `pg_restore --list /srv/mysite/backups/${f['latest-backup']} | grep -c 'TABLE DATA public notes_note'`
    )
  ).toBe('1\n');
});

const MIGRATION = `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]
    operations = [migrations.AddField("note", "tag", models.CharField(max_length=20, null=True))]
`;
const hasTag = async (): Promise<string> =>
  asApp(
    trixie,
    "select count(*) from information_schema.columns where table_name='notes_note' and column_name='tag'"
  );

test('a migration then a failed candidate: the dump is restored only when nothing was written since', async () => {
  try {
    await migrationThenFailedCandidate();
  } finally {
    await rm(path.join(app, 'notes/migrations/0002_note_tag.py'), { force: true });
    await editFile(app, 'notes/views.py', (t) => t.replace('\n    raise RuntimeError("broken")', ''));
  }
});

async function migrationThenFailedCandidate(): Promise<void> {
  await writeFile(path.join(app, 'notes/migrations/0002_note_tag.py'), MIGRATION);
  await editFile(app, 'notes/views.py', (t) =>
    t.replace('def notes(request):', 'def notes(request):\n    raise RuntimeError("broken")')
  );
  const serving = await onServer(trixie, 'readlink /srv/mysite/current');
  const restoring = { ...INPUTS, 'rollback-restore-database': 'true' };

  // Nothing written between the migration and the rollback: the pre-deploy dump is put back.
  const a = await deploy(trixie, app, restoring);
  expect(a.report.ok).toBe(false);
  expect(a.report.hosts[0]!.facts['database-restored']).toBe('true');
  expect(await hasTag()).toBe('0\n');
  expect(await notes()).toEqual(['one', 'two', 'three']);
  expect(await onServer(trixie, 'readlink /srv/mysite/current')).toBe(serving);
  expect((await getJson(trixie, '/health', 'mysite')).body).toMatchObject({ status: 'ok', notes: 3 });

  // The candidate itself writes (its first smoke path) after the migration: refused, the write kept.
  const b = await deploy(trixie, app, {
    ...restoring,
    'smoke-paths': '/notes/write?text=after-migration,/notes/'
  });
  expect(b.report.ok).toBe(false);
  const f = b.report.hosts[0]!.facts;
  expect(f['database-restored']).toBe('refused');
  expect(f['database-warning']).toMatch(
    /written to since pre-activate.*gunicorn-deploy restore .*--backup 'mysite-.*\.dump'/s
  );
  expect(await hasTag()).toBe('1\n');
  // Each try of the candidate's smoke paths wrote once: every one of those writes is kept.
  const kept = await notes();
  expect(kept.slice(0, 3)).toEqual(['one', 'two', 'three']);
  expect(kept.length).toBeGreaterThan(3);
  expect(new Set(kept.slice(3))).toEqual(new Set(['after-migration']));
  expect((await getJson(trixie, '/health', 'mysite')).body).toMatchObject({
    status: 'ok',
    notes: kept.length
  });
}

test('mode restore of the newest dump under readers and writers: 0 failed, the dump plus later writes', async () => {
  const dumped = await notes();
  const readers = await startLoad(trixie, { app: 'mysite', path: '/health', clients: 10 });
  const writers = await startLoad(trixie, {
    app: 'mysite',
    path: '/notes/write?text=during',
    ok: 201,
    clients: 2
  });
  await new Promise((r) => setTimeout(r, 1000));
  const { report } = await deploy(trixie, app, { ...INPUTS, mode: 'restore', backup: 'latest' });
  await new Promise((r) => setTimeout(r, 1000));
  const [reads, writes] = [await readers.stop(), await writers.stop()];
  expect(report.error).toBeUndefined();
  const f = report.hosts[0]!.facts;
  console.log(
    `pg restore: ${report.hosts[0]!.steps.find((s) => s.name === 'restore')!.detail}; requests held ${f['requests-held-ms']} ms; reads ${reads.ok} ok (max ${reads.max_ms} ms), writes ${writes.ok} ok`
  );
  expect({ failed: reads.failed, errors: reads.errors }).toEqual({ failed: 0, errors: {} });
  expect({ failed: writes.failed, errors: writes.errors }).toEqual({ failed: 0, errors: {} });
  expect(writes.ok).toBeGreaterThan(0);
  // The dump held the rows before the writers began ('after-migration' came after it was taken);
  // after them only whole rows the writers wrote once the restored database served.
  const now = await notes();
  expect(now.slice(0, 3)).toEqual(['one', 'two', 'three']);
  expect(new Set(now.slice(3))).toEqual(new Set(['during']));
  expect(dumped).toContain('after-migration');
  // The database before the restore is kept as a safety dump (it holds the rows written before).
  expect(f['safety-backup']).toMatch(/^mysite-safety-.*\.dump$/);
  expect(
    await onServer(
      trixie,
      `pg_restore --list /srv/mysite/backups/${f['safety-backup']} | grep -c 'TABLE DATA public notes_note'`
    )
  ).toBe('1\n');
  expect(
    await onServer(
      trixie,
      `cd / && runuser -u postgres -- psql -XAtq -c "select count(*) from pg_database where datname like 'mysite__gd%'"`
    )
  ).toBe('0\n');
});

test('verify: the app connects through its DATABASE_URL, the newest dump is fresh and readable; the daily dump', async () => {
  await onServer(
    trixie,
    'systemctl is-active mysite-pg-dump.timer && systemctl start mysite-pg-dump.service'
  );
  const { report } = await deploy(trixie, app, { ...INPUTS, mode: 'verify' });
  const f = report.hosts[0]!.facts;
  expect(f.database).toBe('ok');
  expect(f['database-backup']).toBe('ok');
  const list = await deploy(trixie, app, { ...INPUTS, mode: 'backups' });
  const backups = JSON.parse(list.report.hosts[0]!.facts.backups!) as {
    id: string;
    takenBy: string;
    integrity: string;
  }[];
  expect(backups.find((b) => b.id.startsWith('mysite-daily-'))).toMatchObject({
    takenBy: 'daily timer',
    integrity: 'ok'
  });
  // A control: the app's DATABASE_URL pointing at a database it cannot reach turns the check red.
  await onServer(trixie, "sed -i 's|^DATABASE_URL=.*|DATABASE_URL=postgresql:///nosuchdb|' /etc/mysite/env");
  try {
    const broken = await deploy(trixie, app, { ...INPUTS, mode: 'verify' });
    expect(broken.report.hosts[0]!.facts.database).toMatch(/^RED: the app cannot reach its database/);
  } finally {
    await onServer(trixie, "sed -i 's|^DATABASE_URL=.*|DATABASE_URL=postgresql:///mysite|' /etc/mysite/env");
  }
});

test("a release command alone takes a dump first; the dumps are root's: planted files beside them are never read", async () => {
  // No pre-activate: the release phase is what makes this deploy dump, before it runs.
  const { report, lines } = await deploy(trixie, app, {
    ...INPUTS,
    'pre-activate': '',
    'release-command':
      'test -s /srv/mysite/backups/mysite-"$(basename "$PWD")".dump && echo "gd-dumped-first"'
  });
  expect(report.error).toBeUndefined();
  expect(lines.join('\n')).toContain('gd-dumped-first');
  expect(report.hosts[0]!.steps.find((s) => s.name === 'backup')!.detail).toContain(
    `mysite-${report.hosts[0]!.facts.release}.dump`
  );
  // The app's user may read the dumps (its group) but never put a file among them.
  expect(
    await onServer(
      trixie,
      'runuser -u mysite -- touch /srv/mysite/backups/x 2>&1 || true; stat -c %U:%G:%a /srv/mysite/backups'
    )
  ).toMatch(/Permission denied\nroot:mysite:750\n$/);
  const near = (dir: string) => ({
    dir,
    owner: 'mysite',
    names: ['mysite-20990101T000000Z.dump', 'mysite-daily-20990101T000000Z.dump', 'x.dump', 'y.dump']
  });
  await attackStep(trixie, [near('/srv/mysite/shared'), near('/srv/mysite/shared/backups')], async () => {
    const daily = await onServer(
      trixie,
      'systemctl start mysite-pg-dump.service; journalctl -q -u mysite-pg-dump.service -o cat --no-pager | tail -n 3'
    );
    const listed = await deploy(trixie, app, { ...INPUTS, mode: 'backups' });
    expect(listed.report.error).toBeUndefined();
    expect(listed.report.hosts[0]!.facts.backups).not.toContain('20990101');
    return { texts: [daily, ...listed.lines, JSON.stringify(listed.report)] };
  });
});

test('an external database-url: the password is in no command line and no journal line during the backup', async () => {
  // "External": the same server's PostgreSQL over TCP with a password (scram-sha-256 in Debian's pg_hba).
  const pw = ['Ext', 'S3cret', 'pw'].join('-');
  await onServer(
    trixie,
    `cd / && runuser -u postgres -- psql -XAtq -c "CREATE ROLE ext LOGIN PASSWORD '${pw}'" -c 'CREATE DATABASE extdb OWNER ext'`
  );
  const since = (await onServer(trixie, 'sleep 1; date +%s')).trim();
  // As nobody, every 20 ms: every process's command line read at once (one cat: a sweep process by
  // process is too slow to catch a short one), searched for the password (no argument of the
  // poller's holds it whole: awk joins two halves).
  await onServer(
    trixie,
    `rm -f /tmp/gd-stop /tmp/gd-seen-nobody /tmp/gd-polls; setpriv --reuid=nobody --regid=nogroup --clear-groups -- sh -c 'n=0; while [ ! -f /tmp/gd-stop ]; do cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" "\\n" | awk -v a=Ext-S3 -v b=cret-pw "index(\\$0, a b)" >> /tmp/gd-seen-nobody; n=$((n+1)); sleep 0.02; done; echo $n > /tmp/gd-polls' > /dev/null 2>&1 &`
  );
  const url = `postgresql://ext:${pw}@127.0.0.1:5432/extdb`;
  const { report } = await deploy(trixie, app, {
    ...INPUTS,
    'app-name': 'extsite',
    'database-url': url,
    'database-backup': 'always',
    'health-host': 'localhost'
  });
  await onServer(trixie, 'touch /tmp/gd-stop; sleep 1');
  expect(report.error).toBeUndefined();
  expect(report.hosts[0]!.steps.find((s) => s.name === 'backup')!.detail).toMatch(
    /extdb-.*\.dump \(\d+ bytes, pg_restore --list ok\)/
  );
  expect((await getJson(trixie, '/health', 'extsite')).body).toMatchObject({ status: 'ok', notes: 0 });
  expect(Number(await onServer(trixie, 'cat /tmp/gd-polls'))).toBeGreaterThan(10);
  expect(await onServer(trixie, 'cat /tmp/gd-seen-nobody 2>/dev/null || true')).toBe('');
  expect(
    await onServer(
      trixie,
      `journalctl --since @${since} --no-pager | grep -cF '${pw.slice(0, 6)}''${pw.slice(6)}' || true`
    )
  ).toBe('0\n');
});
