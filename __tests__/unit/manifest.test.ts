import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gitBlobs } from '../../src/git-blobs.js';
import {
  buildManifest,
  diffManifests,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../../src/manifest.js';
import { BSDTAR, bsdtarBin } from '../support/bsdtar.js';
import { needs } from '../support/needs.js';

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-manifest-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

describe('manifest', () => {
  test('lists what tar would send, with the same excludes, and hashes it', async () => {
    const dir = await tree({
      'app.py': 'x',
      'pkg/mod.py': 'y',
      '.git/HEAD': 'ref',
      'pkg/__pycache__/m.pyc': 'c'
    });
    await symlink('app.py', path.join(dir, 'link'));
    const m = (await buildManifest(dir, ['.git', '__pycache__']))!;
    expect([...m.keys()].sort()).toEqual(['app.py', 'link', 'pkg', 'pkg/mod.py']);
    expect(m.get('app.py')).toMatchObject({
      type: 'f',
      size: 1,
      hash: 'c1b0730e0133447badcfd47fd144e254807b06e1' // printf x | git hash-object --stdin
    });
    expect(m.get('link')?.type).toBe('l');
    expect(m.get('pkg')?.type).toBe('d');
  });

  needs('bsdtar', BSDTAR !== undefined)(
    'bsdtar as the runner tar (macOS, Windows) lists the very same paths; escaped names still mean a full upload',
    async () => {
      const dir = await tree({
        'app.py': 'x',
        'pkg/mod.py': 'y',
        'a b/c d.txt': 'z',
        '.git/HEAD': 'ref',
        'pkg/__pycache__/m.pyc': 'c',
        'docs/top.md': 'gone',
        'sub/docs/kept.md': 'kept'
      });
      await symlink('app.py', path.join(dir, 'link'));
      const exclude = ['.git', '__pycache__', '/docs'];
      const gnu = (await buildManifest(dir, exclude))!;
      const bin = bsdtarBin(await mkdtemp(path.join(os.tmpdir(), 'gd-bsdtar-')));
      const realPath = process.env.PATH;
      process.env.PATH = `${bin}:${realPath}`;
      try {
        const bsd = (await buildManifest(dir, exclude))!;
        expect([...bsd.keys()].sort()).toEqual([...gnu.keys()].sort());
        expect(bsd.has('sub/docs/kept.md') && !bsd.has('docs')).toBe(true);
        expect(bsd).toEqual(gnu);
        await writeFile(path.join(dir, 'bad\\name'), 'x');
        expect(await buildManifest(dir, exclude)).toBeUndefined();
      } finally {
        process.env.PATH = realPath;
      }
    }
  );

  test('round-trips through its text form, paths with spaces included', async () => {
    const dir = await tree({ 'a b/c d.txt': 'z', 'e.py': 'e' });
    const m = (await buildManifest(dir, []))!;
    expect(parseManifest(serializeManifest(m))).toEqual(m);
    expect(parseManifest('gunicorn-deploy-manifest 99\n')).toBeUndefined();
    // Version 1 (sha256 hashes) never matches: a full upload.
    expect(parseManifest('gunicorn-deploy-manifest 1\nf 644 1 abc e.py\n')).toBeUndefined();
  });

  test('names that tar must escape fall back to a full upload', async () => {
    const dir = await tree({ 'ok.py': '1' });
    await writeFile(path.join(dir, 'bad\nname'), 'x');
    expect(await buildManifest(dir, [])).toBeUndefined();
  });

  test('diff: changed files are removed and sent anew; gone files removed deepest first; shared paths untouched', async () => {
    const before = await tree({
      'app.py': '1',
      'same.py': 's',
      'old/deep/x.py': 'x',
      'instance/seed.db': 'a'
    });
    const after = await tree({ 'app.py': '2', 'same.py': 's', 'new/y.py': 'y', 'instance/seed.db': 'b' });
    await chmod(path.join(after, 'same.py'), 0o755);
    const d = diffManifests((await buildManifest(before, []))!, (await buildManifest(after, []))!, [
      'instance'
    ]);
    expect(d.send).toEqual(['app.py', 'new', 'new/y.py', 'same.py']);
    expect(d.remove).toEqual(['old/deep/x.py', 'old/deep', 'app.py', 'old', 'same.py']);
  });

  test('a folder whose mode changed is sent again without being removed', () => {
    const a: Manifest = new Map([['d', { path: 'd', type: 'd', mode: 0o755, size: 0, hash: '-' }]]);
    const b: Manifest = new Map([['d', { path: 'd', type: 'd', mode: 0o700, size: 0, hash: '-' }]]);
    expect(diffManifests(a, b)).toEqual({ send: ['d'], remove: [] });
  });
});

const exec = promisify(execFile);
/** git as a user would run it, with a fixed identity and no user or system config. */
const git = async (dir: string, ...args: string[]): Promise<string> =>
  (
    await exec('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
    })
  ).stdout;

/** What git itself says a file's (or a link's) bytes hash to, filters off. */
async function hashObject(file: string, link = false): Promise<string> {
  if (!link) return (await git(path.dirname(file), 'hash-object', '--no-filters', file)).trim();
  const run = exec('git', ['hash-object', '--stdin']);
  run.child.stdin!.end(await readlink(file));
  return (await run).stdout.trim();
}

/** The same tree without its .git: the manifest must not depend on git being there. */
async function plainCopy(dir: string): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'gd-manifest-copy-'));
  await cp(dir, copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  await rm(path.join(copy, '.git'), { recursive: true, force: true });
  return copy;
}

/** A committed repository: text, an executable, a large (streamed) file, an empty one, a link. */
async function repo(): Promise<string> {
  const dir = await tree({
    'app.py': 'print(1)\n',
    'run.sh': '#!/bin/sh\n',
    'empty.txt': '',
    'big.bin': 'y'.repeat(3 << 20),
    'pkg/mod.py': 'A = 1\n',
    'pkg/__pycache__/mod.pyc': 'c',
    'pkg/secret.txt': 's\n'
  });
  await chmod(path.join(dir, 'run.sh'), 0o755);
  await symlink('pkg/mod.py', path.join(dir, 'link'));
  await git(dir, 'init', '-q');
  await git(dir, 'add', '.');
  await git(dir, 'commit', '-q', '-m', 'first');
  return dir;
}

describe('manifest hashes are git blob ids', () => {
  test('of files and links, as git hash-object prints them, with or without git', async () => {
    const dir = await repo();
    const copy = await plainCopy(dir);
    for (const d of [dir, copy]) {
      const m = (await buildManifest(d, ['.git']))!;
      for (const [name, link] of [
        ['app.py', false],
        ['run.sh', false],
        ['empty.txt', false],
        ['big.bin', false],
        ['link', true]
      ] as const)
        expect({ name, hash: m.get(name)?.hash }).toEqual({
          name,
          hash: await hashObject(path.join(d, name), link)
        });
      expect(m.get('link')).toMatchObject({ type: 'l', size: 'pkg/mod.py'.length });
      expect(m.get('pkg')?.hash).toBe('-');
    }
    // In the checkout, git's own ids were taken: every tracked file is clean.
    expect([...(await gitBlobs(dir)).keys()].sort()).toEqual([
      'app.py',
      'big.bin',
      'empty.txt',
      'link',
      'pkg/__pycache__/mod.pyc',
      'pkg/mod.py',
      'pkg/secret.txt',
      'run.sh'
    ]);
    expect(await buildManifest(dir, ['.git'])).toEqual(await buildManifest(copy, []));
    expect(await gitBlobs(copy)).toEqual(new Map());
  });

  test('files whose bytes are not the committed blob get the hash of their bytes', async () => {
    const dir = await tree({
      '.gitattributes': '*.txt text eol=crlf\n',
      'clean.py': 'ok\n',
      'modified.py': 'aaaa\n',
      'assumed.py': 'bbbb\n',
      'notes.txt': 'one\ntwo\n'
    });
    await git(dir, 'init', '-q');
    await git(dir, 'add', '.');
    await git(dir, 'commit', '-q', '-m', 'first');
    // Checked out again through the eol conversion: CRLF here, LF in the blob.
    await rm(path.join(dir, 'notes.txt'));
    await git(dir, 'checkout', '--', 'notes.txt');
    expect(await readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('one\r\ntwo\r\n');
    // Same sizes, right after the commit: only git's stat check (racy entries included) can tell.
    await writeFile(path.join(dir, 'modified.py'), 'AAAA\n');
    await git(dir, 'update-index', '--assume-unchanged', 'assumed.py');
    await writeFile(path.join(dir, 'assumed.py'), 'BBBB\n');
    await writeFile(path.join(dir, 'untracked.py'), 'new\n');
    const index = await readFile(path.join(dir, '.git', 'index'));

    const m = (await buildManifest(dir, ['.git']))!;
    for (const name of ['clean.py', 'modified.py', 'assumed.py', 'notes.txt', 'untracked.py'])
      expect({ name, hash: m.get(name)?.hash }).toEqual({
        name,
        hash: await hashObject(path.join(dir, name))
      });
    expect(await buildManifest(dir, ['.git'])).toEqual(await buildManifest(await plainCopy(dir), []));
    // git vouches for notes.txt (clean by its stat check), but its size tells the bytes differ.
    expect([...(await gitBlobs(dir)).keys()].sort()).toEqual(['.gitattributes', 'clean.py', 'notes.txt']);
    // Read-only: the index is byte for byte what it was.
    expect((await readFile(path.join(dir, '.git', 'index'))).equals(index)).toBe(true);
  });

  test('a subfolder of a repository as the source, excludes still applied', async () => {
    const dir = await repo();
    const sub = path.join(dir, 'pkg');
    await writeFile(path.join(sub, 'mod.py'), 'A = 2\n');
    const exclude = ['__pycache__', 'secret.txt'];
    const m = (await buildManifest(sub, exclude))!;
    expect([...m.keys()].sort()).toEqual(['mod.py']);
    expect(m.get('mod.py')?.hash).toBe(await hashObject(path.join(sub, 'mod.py')));
    expect(m).toEqual(await buildManifest(await plainCopy(sub), exclude));
    // Paths relative to the source, as tar lists them; the modified file is not among them.
    expect([...(await gitBlobs(sub)).keys()].sort()).toEqual(['__pycache__/mod.pyc', 'secret.txt']);
  });

  test('the repository is the one the source is in, even run from a git hook (GIT_DIR set)', async () => {
    const dir = await repo();
    const other = await repo();
    await writeFile(path.join(other, 'app.py'), 'print(2)\n');
    await git(other, 'commit', '-q', '-a', '-m', 'other');
    process.env.GIT_DIR = path.join(other, '.git');
    try {
      expect((await buildManifest(dir, ['.git']))!.get('app.py')?.hash).toBe(
        await hashObject(path.join(dir, 'app.py'))
      );
      // Taken from dir's own index (another's would not match dir's files by stat).
      expect((await gitBlobs(dir)).get('app.py')?.id).toBe(await hashObject(path.join(dir, 'app.py')));
    } finally {
      delete process.env.GIT_DIR;
    }
  });

  test('a broken repository or no git at all: every file hashed here, no error', async () => {
    const dir = await repo();
    const expected = await buildManifest(await plainCopy(dir), []);

    const noGit = await mkdtemp(path.join(os.tmpdir(), 'gd-manifest-bin-'));
    const tar = (await exec('sh', ['-c', 'command -v tar'])).stdout.trim();
    await symlink(tar, path.join(noGit, 'tar'));
    const savedPath = process.env.PATH;
    process.env.PATH = noGit;
    try {
      expect(await gitBlobs(dir)).toEqual(new Map());
      expect(await buildManifest(dir, ['.git'])).toEqual(expected);
    } finally {
      process.env.PATH = savedPath;
    }

    await writeFile(path.join(dir, '.git', 'index'), 'not an index');
    expect(await gitBlobs(dir)).toEqual(new Map());
    expect(await buildManifest(dir, ['.git'])).toEqual(expected);
  });
});
