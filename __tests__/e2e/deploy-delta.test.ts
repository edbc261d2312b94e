import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer } from '../support/deploy.js';
import { bsdtarBin } from '../support/bsdtar.js';

const run = promisify(execFile);
const git = (...args: string[]) =>
  run('git', ['-C', app, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args]);

// Delta uploads: only changed files cross the network, the new release is a hardlinked copy of
// the previous one, and the previous release never changes under Gunicorn. The app is a git
// checkout, as on a runner: committed files hash by git's ids, the rest by ours.
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  for (let i = 0; i < 300; i++) {
    await mkdir(path.join(app, 'pkg', `m${i % 10}`), { recursive: true });
    await writeFile(path.join(app, 'pkg', `m${i % 10}`, `f${i}.py`), `# file ${i}\nVALUE = ${i}\n`);
  }
  await git('init', '-q');
  await git('add', '.');
  await git('commit', '-q', '-m', 'first');
});
afterAll(async () => {
  if (server) await stopServer(server);
});

/** sha256 of every regular file under a release but those the deploy writes, as `sum  ./path` lines, sorted. */
const sums = (dir: string): Promise<string> =>
  onServer(
    server,
    `cd ${dir} && find . -type f ! -name REVISION ! -name .gunicorn-deploy-manifest ! -name .gunicorn-deploy-preload -print0 | sort -z | xargs -0 sha256sum`
  );

test('a 3-file change is sent as a delta; the previous release is byte-identical afterwards', async () => {
  const first = await deploy(server, app);
  expect(first.report.error).toBeUndefined();
  const r1 = first.report.hosts[0]!.facts.release!;
  expect(first.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(/^full: /);
  const before = await sums(`/srv/shop/releases/${r1}`);

  await writeFile(path.join(app, 'pkg', 'm1', 'f1.py'), '# changed\nVALUE = -1\n');
  await writeFile(path.join(app, 'pkg', 'm2', 'new.py'), 'NEW = True\n');
  await rm(path.join(app, 'pkg', 'm3', 'f3.py'));
  const second = await deploy(server, app);
  expect(second.report.error).toBeUndefined();
  const h = second.report.hosts[0]!;
  const r2 = h.facts.release!;
  expect(h.steps.find((s) => s.name === 'upload')?.detail).toMatch(
    // The files' own 21 + 11 bytes, apart from the tar stream's headers and padding.
    /^delta: 2 changed, 1 removed of \d+ paths, 32 B of files \([\d.]+ kB sent\)/
  );
  expect(h.facts.reload).toBe('hup');
  expect((await getJson(server, '/health')).body.release).toBe(r2);

  // The previous release did not change, not even the file the delta replaced.
  expect(await sums(`/srv/shop/releases/${r1}`)).toBe(before);
  // The new release holds exactly the local tree.
  const { stdout: local } = await run('bash', [
    '-c',
    `cd ${app} && find . -type f ! -path './.git/*' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum`
  ]);
  expect(await sums(`/srv/shop/releases/${r2}`)).toBe(local);
  // Unchanged files share their inode with the previous release; the changed one does not.
  const inodes = await onServer(
    server,
    `stat -c %i /srv/shop/releases/${r1}/pkg/m5/f5.py /srv/shop/releases/${r2}/pkg/m5/f5.py /srv/shop/releases/${r1}/pkg/m1/f1.py /srv/shop/releases/${r2}/pkg/m1/f1.py`
  );
  const [a, b, c, d] = inodes.trim().split('\n');
  expect(a).toBe(b);
  expect(c).not.toBe(d);
  // Links that every release gets anew are there, pointing where they should.
  expect(
    await onServer(
      server,
      `readlink /srv/shop/releases/${r2}/instance; test -x /srv/shop/releases/${r2}/.venv/bin/python && echo venv`
    )
  ).toBe('/srv/shop/shared/instance\nvenv\n');
  // Committed, the same bytes now get git's ids: equal to the hashes we computed, nothing to send.
  await git('add', '-A');
  await git('commit', '-q', '-m', 'second');
  const third = await deploy(server, app);
  expect(third.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(
    /^delta: 0 changed, 0 removed/
  );
});

test('full-upload forces a full upload; a release without a manifest, or with an old one, falls back to one', async () => {
  const forced = await deploy(server, app, { 'full-upload': 'true' });
  expect(forced.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(/^full: /);
  await onServer(server, 'rm /srv/shop/current/.gunicorn-deploy-manifest');
  const fallback = await deploy(server, app);
  expect(fallback.report.error).toBeUndefined();
  expect(fallback.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(/^full: /);
  expect(fallback.lines.some((l) => l.includes('has no usable manifest (none found)'))).toBe(true);
  const again = await deploy(server, app);
  expect(again.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(
    /^delta: 0 changed, 0 removed/
  );
  // A release deployed by a version writing format 1 (sha256 hashes): one full upload, said why.
  await onServer(
    server,
    "sed -i '1s/.*/gunicorn-deploy-manifest 1/' /srv/shop/current/.gunicorn-deploy-manifest"
  );
  const older = await deploy(server, app);
  expect(older.report.error).toBeUndefined();
  expect(older.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(/^full: /);
  expect(older.lines.some((l) => l.includes('(format "gunicorn-deploy-manifest 1"'))).toBe(true);
});

test('with bsdtar as the runner tar (macOS and Windows runners): a full upload, then a delta, each release the local tree', async () => {
  const realPath = process.env.PATH;
  process.env.PATH = `${bsdtarBin(await mkdtemp(path.join(os.tmpdir(), 'gd-bsdtar-')))}:${realPath}`;
  const local = async (): Promise<string> =>
    (
      await run('bash', [
        '-c',
        `cd ${app} && find . -type f ! -path './.git/*' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum`
      ])
    ).stdout;
  try {
    const full = await deploy(server, app, { 'full-upload': 'true' });
    expect(full.report.error).toBeUndefined();
    const files = (await local()).trim().split('\n').length;
    expect(full.report.hosts[0]!.steps.find((s) => s.name === 'upload')?.detail).toMatch(
      new RegExp(`^full: ${files} files, `)
    );
    expect(await sums(`/srv/shop/releases/${full.report.hosts[0]!.facts.release!}`)).toBe(await local());

    await writeFile(path.join(app, 'pkg', 'm4', 'f4.py'), '# bsdtar\nVALUE = -4\n');
    const delta = await deploy(server, app);
    expect(delta.report.error).toBeUndefined();
    const h = delta.report.hosts[0]!;
    expect(h.steps.find((s) => s.name === 'upload')?.detail).toMatch(/^delta: 1 changed, 0 removed/);
    expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);
    expect(await sums(`/srv/shop/releases/${h.facts.release!}`)).toBe(await local());
  } finally {
    process.env.PATH = realPath;
  }
});
