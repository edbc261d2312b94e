import { jest } from '@jest/globals';
import { parseSettings, SettingsError, inputSecrets } from '../../src/settings.js';
import { appEnv, parsePgUrl } from '../../src/settings/database.js';
import { postgresScript } from '../../src/provision/postgres.js';
import { provisionPackages } from '../../src/provision/packages.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const FP = 'SHA256:' + 'A'.repeat(43);
const base = { host: '10.0.0.5', 'private-key': KEY, 'app-name': 'shop', 'host-fingerprint': FP };
const reader = (over: Record<string, string>) => (n: string) => ({ ...base, ...over })[n] ?? '';

function problems(over: Record<string, string>): string[] {
  try {
    parseSettings(reader(over));
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

const SECRET = 's3cr%40t-pw';

test('database defaults to sqlite; postgres takes the app name and writes the socket URL', () => {
  expect(parseSettings(reader({})).database.kind).toBe('sqlite');
  const s = parseSettings(reader({ database: 'postgres' }));
  expect(s.database).toMatchObject({ kind: 'postgres', name: 'shop', url: '', backupAlways: false });
  expect(appEnv([], s.database)).toEqual([{ key: 'DATABASE_URL', value: 'postgresql:///shop' }]);
  // env's own DATABASE_URL wins; sqlite adds nothing.
  const own = [{ key: 'DATABASE_URL', value: 'postgresql:///other' }];
  expect(appEnv(own, s.database)).toEqual(own);
  expect(appEnv([], parseSettings(reader({})).database)).toEqual([]);
  expect(parseSettings(reader({ database: 'postgres', 'database-name': 'shop_db' })).database.name).toBe(
    'shop_db'
  );
  expect(provisionPackages(s)).toContain('postgresql');
});

test('bad database inputs are refused, naming the input, never quoting a URL', () => {
  expect(problems({ database: 'mysql' })).toEqual([
    expect.stringMatching(/^input `database`: .*MariaDB\/MySQL is not supported/)
  ]);
  expect(problems({ database: 'postgres', 'database-name': 'Shop;drop' })).toEqual([
    expect.stringMatching(/^input `database-name`: must be an identifier/)
  ]);
  expect(problems({ database: 'postgres', 'database-backup': 'sometimes' })).toEqual([
    expect.stringMatching(/^input `database-backup`/)
  ]);
  expect(problems({ database: 'postgres', 'sqlite-db': 'app.db' })).toEqual([
    expect.stringMatching(/^input `sqlite-db`: not with database: postgres/)
  ]);
  for (const url of [
    `mysql://u:${SECRET}@db.example.com/shop`,
    `postgresql://u:${SECRET}@/shop`,
    `postgresql://u:${SECRET}@db.example.com/`,
    `postgresql://u:${SECRET}@db.example.com:99999/shop`,
    `not a url ${SECRET}`,
    'postgresql:///shop'
  ]) {
    const p = problems({ database: 'postgres', 'database-url': url });
    expect(p).toEqual([expect.stringMatching(/^input `database-url`: /)]);
    expect(p.join('\n')).not.toContain('s3cr');
  }
  expect(problems({ 'database-url': `postgresql://u:${SECRET}@db.example.com/shop` })).toEqual([
    'input `database-url`: needs database: postgres'
  ]);
});

test('an external URL is parsed, masked, and becomes the app DATABASE_URL; no server installed', () => {
  const url = `postgresql://app:${SECRET}@db.example.com:6543/prod`;
  const s = parseSettings(reader({ database: 'postgres', 'database-url': url }));
  expect(s.database.external).toEqual({
    host: 'db.example.com',
    port: 6543,
    user: 'app',
    password: 's3cr@t-pw',
    dbname: 'prod'
  });
  expect(s.database.name).toBe('prod');
  expect(inputSecrets(reader({ 'database-url': url }))).toContain(url);
  expect(appEnv([], s.database)).toEqual([{ key: 'DATABASE_URL', value: url }]);
  expect(provisionPackages(s)).toContain('postgresql-client');
  expect(provisionPackages(s)).not.toContain('postgresql');
  expect(parsePgUrl('postgres://u@[::1]/d')).toMatchObject({ host: '::1', port: 5432 });
});

test('the provision script passes names only as psql variables', () => {
  const s = postgresScript('shop', 'shop_db');
  expect(s).toContain("\nrole='shop'\ndb='shop_db'\n");
  expect(s).toContain('-v r="$role" -v d="$db"');
  expect(s).toContain('CREATE DATABASE :"d" OWNER :"r"');
  expect(s).not.toMatch(/CREATE (ROLE|DATABASE) "?shop/);
});

test('the CLI refuses --database-url (argv is public) and names the environment variable', async () => {
  const { cli } = await import('../../src/entry/cli.js');
  const err: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  try {
    expect(await cli(['deploy', '--database-url', `postgresql://u:${SECRET}@db.example.com/shop`])).toBe(2);
  } finally {
    spy.mockRestore();
  }
  expect(err.join('')).toMatch(/--database-url is refused.*GUNICORN_DEPLOY_DATABASE_URL/);
  expect(err.join('')).not.toContain('s3cr');
});

test('an external server: the password reaches pg_dump only on stdin, as a password-file line', async () => {
  const { pgBackupScript, pgClientInput, pgPassLine } = await import('../../src/steps/pg-backup.js');
  const { pgTimerFiles } = await import('../../src/provision/pg-timer.js');
  const { layoutFor } = await import('../../src/deploy/paths.js');
  expect(pgPassLine({ host: 'h', port: 5432, user: 'u:x', password: 'p\\:w', dbname: 'd' })).toBe(
    'h:5432:d:u\\:x:p\\\\\\:w\n'
  );
  const settings = parseSettings(
    reader({
      database: 'postgres',
      'database-url': `postgresql://app:${SECRET}@db.example.com/prod`,
      'pre-activate': 'x'
    })
  );
  const ctx = { settings, paths: layoutFor('shop', '/srv/shop') } as unknown as Parameters<
    typeof pgBackupScript
  >[0];
  const script = pgBackupScript(ctx, '20260101T000000Z-abcdef0');
  expect(script).not.toContain('s3cr');
  expect(script).toContain('PGPASSFILE="$pgdir/pass"');
  expect(pgClientInput(ctx)).toBe('db.example.com:5432:prod:app:s3cr@t-pw\n');
  // The daily timer's files hold no password either (it reads root's /etc/APP/pgpass).
  for (const f of pgTimerFiles(ctx)) expect(f.content).not.toContain('s3cr');
  // templates/pg-dump.sh.hbs, for an external server: libpq's environment and the database, quoted.
  const dump = pgTimerFiles(ctx)[0]!.content;
  expect(dump).toContain("PGHOST='db.example.com' PGPORT='5432' PGUSER='app'");
  expect(dump).toContain("--no-password --dbname='prod'; }");
  expect(dump).toContain("-name 'prod-daily-*.dump' -mmin +");
  expect(pgTimerFiles(ctx)[1]!.content).toContain('ExecStart=/usr/local/lib/gunicorn-deploy/shop-pg-dump\n');
});
