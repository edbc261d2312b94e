import { mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveDependencies } from '../../src/deps.js';
import { parseSettings } from '../../src/settings.js';
import { sectionFor } from '../../src/error-section.js';

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-deps-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const PYPROJECT =
  '[project]\nname = "x"\ndependencies = ["flask"]\n\n[project.optional-dependencies]\nprod = ["itsdangerous"]\n';

describe('where the dependencies come from', () => {
  test('auto: requirements.txt first, then pyproject.toml', async () => {
    const both = await tree({ 'requirements.txt': 'flask\n', 'pyproject.toml': PYPROJECT });
    expect((await resolveDependencies(both, 'auto', [])).deps).toEqual({
      kind: 'requirements',
      file: 'requirements.txt',
      extras: []
    });
    const py = await tree({ 'pyproject.toml': PYPROJECT });
    expect((await resolveDependencies(py, 'auto', ['prod'])).deps).toEqual({
      kind: 'pyproject',
      file: 'pyproject.toml',
      extras: ['prod']
    });
    expect((await resolveDependencies(await tree({}), 'auto', [])).problem).toMatch(
      /neither requirements\.txt nor pyproject\.toml/
    );
  });

  test('lock files are refused, with the export command for each', async () => {
    for (const [lock, advice] of [
      ['uv.lock', /uv export/],
      ['poetry.lock', /poetry export/],
      ['pylock.toml', /requirements\.txt/]
    ] as const) {
      const dir = await tree({ [lock]: 'x', 'pyproject.toml': PYPROJECT });
      const { problem } = await resolveDependencies(dir, 'auto', []);
      expect(problem).toMatch(new RegExp(`${lock.replace('.', '\\.')} is a lock file`));
      expect(problem).toMatch(advice);
      expect((await resolveDependencies(dir, lock, [])).problem).toMatch(/is a lock file/);
    }
    expect(
      (await resolveDependencies(await tree({ 'pylock.prod.toml': 'x' }), 'pylock.prod.toml', [])).problem
    ).toMatch(/is a lock file/);
    // A requirements.txt next to the lock (its export) is what is used.
    const exported = await tree({ 'uv.lock': 'x', 'requirements.txt': 'flask==3.1.0\n' });
    expect((await resolveDependencies(exported, 'auto', [])).deps?.file).toBe('requirements.txt');
  });

  test('pyproject.toml problems are found on the runner', async () => {
    const noProject = await tree({ 'pyproject.toml': '[tool.poetry]\nname = "x"\n' });
    expect((await resolveDependencies(noProject, 'auto', [])).problem).toMatch(/no \[project\] table/);
    const dynamic = await tree({
      'pyproject.toml': '[project]\nname = "x"\ndynamic = [\n  "version",\n  "dependencies",\n]\n'
    });
    expect((await resolveDependencies(dynamic, 'auto', [])).problem).toMatch(/dynamic/);
    const py = await tree({ 'pyproject.toml': PYPROJECT, 'requirements.txt': 'flask\n' });
    expect((await resolveDependencies(py, 'pyproject.toml', ['postgres'])).problem).toMatch(
      /input `extras`: postgres is not in .*\(it has: prod\)/
    );
    expect((await resolveDependencies(py, 'requirements.txt', ['prod'])).problem).toMatch(
      /input `extras`: applies to pyproject/
    );
    expect((await resolveDependencies(py, 'missing.txt', [])).problem).toMatch(/missing\.txt is not a file/);
  });
});

describe('static mappings', () => {
  const parse = (over: Record<string, string>) =>
    parseSettings(
      (n) =>
        ({
          host: 'h',
          'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
          'app-name': 'shop',
          'known-hosts': 'h ssh-ed25519 AAAA',
          ...over
        })[n] ?? ''
    );

  test('release and shared folders, several', () => {
    const s = parse({ static: '/static/=staticfiles, /media=shared/media/' });
    expect(s.provision.staticMaps).toEqual([
      { url: '/static/', folder: 'staticfiles', shared: false },
      { url: '/media/', folder: 'media', shared: true }
    ]);
  });

  test.each([
    ['static=staticfiles', /URL-PREFIX=FOLDER/],
    ['/static/=../etc', /input `static`: must not have \. or \.\. segments/],
    ['/a b/=x', /URL-PREFIX=FOLDER|URL prefix/],
    ['/x/=a, /x/=b', /mapped twice/]
  ])('%s is refused', (value, why) => {
    expect(() => parse({ static: value })).toThrow(why);
  });
});

describe('troubleshooting links of provision', () => {
  test("the first deploy's build, check and candidate failures link to their own sections", () => {
    expect(sectionFor('provision', 'venv')).toBe('build');
    expect(sectionFor('provision', 'build')).toBe('build');
    expect(sectionFor('provision', 'check')).toBe('build');
    expect(sectionFor('provision', 'candidate')).toBe('candidate');
    expect(sectionFor('provision', 'nginx')).toBe('provision');
    expect(sectionFor('provision', 'layout')).toBe('provision');
    expect(sectionFor('deploy', 'build')).toBe('build');
  });
});
