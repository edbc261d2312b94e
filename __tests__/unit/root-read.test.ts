import { execFile, spawnSync } from 'node:child_process';
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { rootReadProgram } from '../../src/deploy/root-read.js';
import { acmeEmailProblem, pemCertificatesProblem, pemKeyProblem } from '../../src/rules.js';
import { needs } from '../support/needs.js';

// How root reads what another user can name: the program itself, run here on planted files. The
// e2e tests run it on a server against the app's user; these pin each refusal.
const run = promisify(execFile);
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const me = String(userInfo().uid);
const user = userInfo().username;

async function rootRead(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run('python3', ['-I', '-c', rootReadProgram(), ...args], { timeout: 20_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr
    })
  );
}

let dir: string;
let secret: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'root-read-'));
  secret = path.join(dir, 'secret');
  writeFileSync(secret, 'root-only\n');
  mkdirSync(path.join(dir, 'b'));
  const db = path.join(dir, 'b', 'app.db-1.db');
  spawnSync('sqlite3', [db, 'PRAGMA journal_mode=WAL; CREATE TABLE t (v); INSERT INTO t VALUES (1);']);
  writeFileSync(path.join(dir, 'b', 'shop-2.db.gz'), gzipSync(readFileSync(db)));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

needs('python3+sqlite3', has('python3') && has('sqlite3'))(
  'lists sound backups with their checksum; a link, FIFO, hardlink, truncated or plain ".gz" is never sound',
  async () => {
    const b = path.join(dir, 'b');
    symlinkSync(secret, path.join(b, 'shop-9.db.gz'));
    spawnSync('mkfifo', [path.join(b, 'shop-8.db.gz')]);
    linkSync(secret, path.join(b, 'app.db-7.db'));
    writeFileSync(path.join(b, 'shop-6.db.gz'), readFileSync(path.join(b, 'shop-2.db.gz')).subarray(0, 60));
    writeFileSync(path.join(b, 'shop-5.db.gz'), readFileSync(path.join(b, 'app.db-1.db')));
    utimesSync(path.join(b, 'shop-5.db.gz'), new Date('2099-01-01'), new Date('2099-01-01'));
    const started = Date.now();
    const res = await rootRead('list', b, me, user, 'app.db-*.db', 'shop-*.db.gz');
    expect(Date.now() - started).toBeLessThan(10_000);
    const rows = Object.fromEntries(
      res.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
        .map(([, name, mtime, , sha, check]) => [name, { mtime: Number(mtime), sha, check }])
    );
    expect(rows['app.db-1.db']!.check).toBe('ok');
    expect(rows['shop-2.db.gz']!.check).toBe('ok');
    expect(rows['shop-9.db.gz']).toMatchObject({ sha: '-', check: 'refused: a symbolic link' });
    expect(rows['shop-8.db.gz']).toMatchObject({ sha: '-', check: 'refused: not a regular file' });
    expect(rows['app.db-7.db']).toMatchObject({ sha: '-', check: 'refused: has 2 hard links' });
    expect(rows['shop-6.db.gz']!.check).toMatch(/^unreadable: not a complete gzip file/);
    expect(rows['shop-5.db.gz']!.check).toMatch(/^unreadable: /);
    // A future date is never believed: at most now.
    expect(rows['shop-5.db.gz']!.mtime).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect((await rootRead('newest', b, me, 'shop-*.db.gz')).stdout).toBe('shop-5.db.gz\n');
    // A file of another owner is refused too.
    expect((await rootRead('list', b, '65534', user, 'app.db-1.db')).stdout).toMatch(/refused: owned by uid/);
  }
);

needs('python3+sqlite3', has('python3') && has('sqlite3'))(
  'cat and copy read only through the checked descriptor; copy never writes through a link',
  async () => {
    const b = path.join(dir, 'b');
    symlinkSync(secret, path.join(b, 'shop-9.db.gz'));
    const cat = await rootRead('cat', b, 'shop-9.db.gz', me);
    expect(cat).toMatchObject({ code: 2, stdout: '' });
    expect(cat.stderr).toContain('a symbolic link');
    expect((await rootRead('cat', b, 'nothing.db', me)).code).toBe(5);
    const good = await rootRead('cat', b, 'app.db-1.db', me);
    expect(Buffer.from(good.stdout, 'base64')).toEqual(readFileSync(path.join(b, 'app.db-1.db')));
    expect(good.stderr).toMatch(/^sha256=[0-9a-f]{64}$/m);

    const dest = path.join(dir, 'dest.db');
    symlinkSync(secret, dest);
    expect((await rootRead('copy', b, 'shop-2.db.gz', me, dest, 'gunzip')).code).not.toBe(0);
    expect(readFileSync(secret, 'utf8')).toBe('root-only\n');
    rmSync(dest);
    expect((await rootRead('copy', b, 'shop-2.db.gz', me, dest, 'gunzip', '640', 'db')).code).toBe(0);
    expect(
      spawnSync('sqlite3', ['-readonly', dest, 'PRAGMA journal_mode; SELECT v FROM t'], { encoding: 'utf8' })
        .stdout
    ).toBe('delete\n1\n');
    const moved = await rootRead('move', b, me, path.join(dir, 'to'), 'shop-*.db.gz');
    expect(moved.code).toBe(0);
  }
);

test('acme-email starts with a letter or digit; tls-certificate and tls-key hold PEM blocks and nothing else', () => {
  expect(acmeEmailProblem('ops@example.com')).toBeUndefined();
  expect(acmeEmailProblem('-oops@example.com')).toMatch(/must be an email address/);
  expect(acmeEmailProblem('--server=x@example.com')).toMatch(/must be an email address/);
  const cert = '-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n';
  expect(pemCertificatesProblem(cert)).toBeUndefined();
  expect(pemCertificatesProblem(`${cert}then a note\n`)).toMatch(/nothing else/);
  const key = '-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n';
  expect(pemKeyProblem(key)).toBeUndefined();
  expect(pemKeyProblem(`${key}password: hunter2\n`)).toMatch(/nothing else/);
  expect(pemKeyProblem(`${key}${key}`)).toMatch(/one PEM private key/);
  expect(pemKeyProblem(`${key}password: hunter2\n`)).not.toContain('hunter2');
});
