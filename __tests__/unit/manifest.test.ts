import { mkdtemp, mkdir, writeFile, symlink, chmod } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  buildManifest,
  diffManifests,
  parseManifest,
  serializeManifest,
  type Manifest
} from '../../src/manifest.js';

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
      hash: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'
    });
    expect(m.get('link')?.type).toBe('l');
    expect(m.get('pkg')?.type).toBe('d');
  });

  test('round-trips through its text form, paths with spaces included', async () => {
    const dir = await tree({ 'a b/c d.txt': 'z', 'e.py': 'e' });
    const m = (await buildManifest(dir, []))!;
    expect(parseManifest(serializeManifest(m))).toEqual(m);
    expect(parseManifest('gunicorn-deploy-manifest 99\n')).toBeUndefined();
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
