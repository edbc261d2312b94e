import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// scripts/release.sh, which the release workflow runs on a pushed tag, against a local repository
// holding this working tree's release files and a bare "origin" to move the major tag in.
let tmp: string;
let repo: string;
let origin: string;
let fresh: string;

async function git(...args: string[]): Promise<string> {
  return (await run('git', args, { cwd: repo })).stdout.trim();
}

async function release(tag: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run('bash', ['scripts/release.sh', tag, ...args], {
      cwd: repo,
      // The comparison is what is tested here; npm test's own check-dist builds the bundle.
      env: { ...process.env, FRESH_DIST: fresh }
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

async function setVersion(version: string, notes?: string): Promise<void> {
  const pkgFile = path.join(repo, 'package.json');
  const pkg = JSON.parse(await readFile(pkgFile, 'utf8')) as { version: string };
  pkg.version = version;
  await writeFile(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  if (notes !== undefined) {
    const file = path.join(repo, 'CHANGELOG.md');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('## [Unreleased]\n', `## [Unreleased]\n\n## [${version}] - 2026-11-30\n\n${notes}\n`)
    );
  }
}

async function commitAndTag(tag: string, message = tag): Promise<void> {
  await git('add', '-A');
  await git('commit', '-q', '--allow-empty', '-m', message);
  await git('tag', tag);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gd-release-'));
  repo = path.join(tmp, 'repo');
  origin = path.join(tmp, 'origin.git');
  fresh = path.join(tmp, 'fresh-dist');
  const root = process.cwd();
  for (const f of ['scripts', 'dist', 'action.yml', 'package.json', 'CHANGELOG.md', '.github'])
    await cp(path.join(root, f), path.join(repo, f), { recursive: true });
  await cp(path.join(root, 'dist'), fresh, { recursive: true });
  await symlink(path.join(root, 'node_modules'), path.join(repo, 'node_modules'));
  await writeFile(path.join(repo, '.gitignore'), 'node_modules\n');
  await run('git', ['init', '-q', '--bare', origin]);
  await run('git', ['init', '-q', '-b', 'main', repo]);
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('remote', 'add', 'origin', origin);
  // As a release commit leaves it: the surface record is action.yml's (between releases it may lag).
  await run('node', ['scripts/action-surface.mjs', '--write'], { cwd: repo });
  await git('add', '-A');
  await git('commit', '-q', '-m', 'the project as it is');
  await git('push', '-q', 'origin', 'main');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test('a tag that is not vMAJOR.MINOR.PATCH is refused', async () => {
  for (const tag of ['1.2.0', 'v1.2', 'v01.2.0', 'v1.2.0-rc1', 'latest']) {
    const r = await release(tag);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/is not a release tag: use vMAJOR\.MINOR\.PATCH/);
  }
});

test('a missing tag, or a tag that is not the checked-out commit, is refused', async () => {
  expect((await release('v9.9.9')).out).toMatch(/tag v9\.9\.9 does not exist/);
  await setVersion('1.0.0', '### Added\n\n- Everything.');
  await commitAndTag('v1.0.0');
  await git('commit', '-q', '--allow-empty', '-m', 'after the tag');
  const r = await release('v1.0.0');
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/tag v1\.0\.0 is at \w+, but the checkout is at \w+/);
  await git('checkout', '-q', 'v1.0.0');
});

test('package.json disagreeing with the tag is refused', async () => {
  await git('checkout', '-q', 'main');
  await commitAndTag('v1.0.1');
  const r = await release('v1.0.1');
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/package\.json says version 1\.0\.0, the tag says 1\.0\.1/);
});

test('a version without CHANGELOG notes is refused', async () => {
  await setVersion('1.0.2');
  await commitAndTag('v1.0.2');
  const r = await release('v1.0.2');
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/CHANGELOG\.md has no notes for 1\.0\.2/);
});

test('a stale dist/ is refused', async () => {
  await setVersion('1.0.3', '### Fixed\n\n- A fix.');
  await writeFile(path.join(repo, 'dist', 'index.js'), '// edited by hand\n', { flag: 'a' });
  await commitAndTag('v1.0.3');
  const r = await release('v1.0.3');
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/dist\/ is not the bundle of the tagged source/);
  await git('checkout', '-q', 'main~1', '--', 'dist');
  await git('commit', '-q', '-m', 'dist rebuilt');
});

test('a release whose recorded inputs and outputs are stale is refused', async () => {
  const file = path.join(repo, 'action.yml');
  await writeFile(
    file,
    (await readFile(file, 'utf8')).replace(
      /^outputs:/m,
      "  new-input:\n    description: 'New.'\n    required: false\noutputs:"
    )
  );
  await setVersion('1.1.0', '### Added\n\n- `new-input`.');
  await commitAndTag('v1.1.0');
  const r = await release('v1.1.0');
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/action-surface\.mjs --write/);
});

test('a good release writes its notes and moves the major tag in origin', async () => {
  await run('node', ['scripts/action-surface.mjs', '--write'], { cwd: repo });
  await setVersion('1.2.0', '### Added\n\n- `new-input`, recorded.');
  await commitAndTag('v1.2.0');
  const notes = path.join(tmp, 'notes.md');
  const r = await release('v1.2.0', '--notes', notes, '--push', 'origin');
  expect(r).toMatchObject({ code: 0 });
  expect(r.out).toMatch(/v1 now points at v1\.2\.0/);
  expect(await readFile(notes, 'utf8')).toBe('### Added\n\n- `new-input`, recorded.\n');
  const tagged = await git('rev-parse', 'v1.2.0^{commit}');
  const { stdout } = await run('git', ['rev-parse', 'v1'], { cwd: origin });
  expect(stdout.trim()).toBe(tagged);
});

test('a fix released for an older line never moves the major tag back', async () => {
  await git('checkout', '-q', '-b', 'one-one', 'v1.1.0');
  await run('node', ['scripts/action-surface.mjs', '--write'], { cwd: repo });
  await setVersion('1.1.1', '### Fixed\n\n- Backported.');
  await commitAndTag('v1.1.1');
  const r = await release('v1.1.1', '--push', 'origin');
  expect(r).toMatchObject({ code: 0 });
  expect(r.out).toMatch(/v1 stays at v1\.2\.0, which is newer than v1\.1\.1/);
  const { stdout } = await run('git', ['rev-parse', 'v1'], { cwd: origin });
  expect(stdout.trim()).toBe(await git('rev-parse', 'v1.2.0^{commit}'));
});
