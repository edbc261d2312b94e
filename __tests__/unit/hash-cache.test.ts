import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildManifest } from '../../src/manifest.js';

// The blob ids of a non-git tree are remembered between runs in RUNNER_TEMP (or the OS temp
// folder); a file is read again whenever its stat says it may have changed.
let tmp: string;
let src: string;
const saved = process.env.RUNNER_TEMP;
const sha = (text: string): string =>
  // git hash-object of the text, computed the same way git does.
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0`)
    .update(text)
    .digest('hex');

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gd-hash-cache-'));
  src = await mkdtemp(path.join(os.tmpdir(), 'gd-hash-src-'));
  process.env.RUNNER_TEMP = tmp;
});
afterEach(async () => {
  process.env.RUNNER_TEMP = saved;
  if (saved === undefined) delete process.env.RUNNER_TEMP;
  await rm(tmp, { recursive: true, force: true });
  await rm(src, { recursive: true, force: true });
});

/** Files made well before the hashing (older than the racy window) so the cache may trust them. */
async function oldFile(name: string, text: string, ageS = 60): Promise<void> {
  const f = path.join(src, name);
  await writeFile(f, text);
  const t = Date.now() / 1000 - ageS;
  await utimes(f, t, t);
}

test('a second run takes unchanged files from the cache and sees a same-size, same-mtime edit', async () => {
  await oldFile('a.py', 'aaaa');
  await oldFile('b.py', 'bbbb');
  // ctime is "now" for a file just written: wait out the racy window once, so the cache is trusted.
  await new Promise((r) => setTimeout(r, 2100));
  const first = (await buildManifest(src, []))!;
  expect(first.get('a.py')?.hash).toBe(sha('aaaa'));
  const files = await readdir(tmp);
  expect(files.filter((f) => f.startsWith('gunicorn-deploy-hashes-'))).toHaveLength(1);
  expect((await stat(path.join(tmp, files[0]!))).mode & 0o777).toBe(0o600);

  // Same size, mtime put back: only ctime (which no one can set) tells.
  const st = await stat(path.join(src, 'b.py'));
  await writeFile(path.join(src, 'b.py'), 'BBBB');
  await utimes(path.join(src, 'b.py'), st.atime, st.mtime);
  await new Promise((r) => setTimeout(r, 2100));
  const second = (await buildManifest(src, []))!;
  expect(second.get('a.py')?.hash).toBe(sha('aaaa'));
  expect(second.get('b.py')?.hash).toBe(sha('BBBB'));
});

test('a cache file others may write is ignored', async () => {
  await oldFile('a.py', 'aaaa');
  await new Promise((r) => setTimeout(r, 2100));
  await buildManifest(src, []);
  const file = path.join(
    tmp,
    (await readdir(tmp)).find((f) => f.startsWith('gunicorn-deploy-hashes-'))!
  );
  // A forged entry: the right stat, the wrong id.
  const { readFile } = await import('node:fs/promises');
  const data = JSON.parse(await readFile(file, 'utf8'));
  data.entries['a.py'].hash = '0'.repeat(40);
  await writeFile(file, JSON.stringify(data));
  await chmod(file, 0o666);
  expect((await buildManifest(src, []))!.get('a.py')?.hash).toBe(sha('aaaa'));
  // The same forgery in a file only we may write is believed: the check is what keeps it out.
  await writeFile(file, JSON.stringify(data));
  await chmod(file, 0o600);
  expect((await buildManifest(src, []))!.get('a.py')?.hash).toBe('0'.repeat(40));
});
