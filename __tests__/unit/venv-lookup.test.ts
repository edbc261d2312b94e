import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { serverScript } from '../../src/render/scripts.js';
import { venvKeyScript } from '../../src/steps/venv.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----';
const TEMPLATES = path.join(process.cwd(), 'templates');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gd-venv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A context whose app-dir is the scratch folder, with release R holding a requirements file. */
function ctxWith(python: string): DeployContext {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true'
  };
  const settings = parseSettings((n) => all[n] ?? '');
  settings.app.dir = dir;
  settings.deploy.python = python;
  const paths = appLayout(settings);
  mkdirSync(paths.releaseDir('R'), { recursive: true });
  mkdirSync(paths.venvs, { recursive: true });
  writeFileSync(`${paths.releaseDir('R')}/requirements.txt`, 'flask\n');
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'h',
    records: [],
    paths,
    facts: {}
  };
}

const bash = (script: string, ...args: string[]) =>
  spawnSync('bash', ['-c', `set -euo pipefail\n${script}`, 'gd', ...args], { encoding: 'utf8' });

/** A stand-in interpreter: prints a version, and counts its runs. */
function fakePython(name: string, version: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/bash\necho run >> ${dir}/${name}.runs\necho ${JSON.stringify(version)}\n`);
  chmodSync(file, 0o755);
  return file;
}
const runs = (name: string): number =>
  existsSync(`${dir}/${name}.runs`) ? readFileSync(`${dir}/${name}.runs`, 'utf8').split('\n').length - 1 : 0;

describe('venv key', () => {
  test('the key of before (requirements, sys.version, build line), with the interpreter asked once per file', () => {
    const py = fakePython('python3', '3.13.5 (main, Jun 25 2025) [GCC 14.2.0]');
    const ctx = ctxWith(py);
    // The key as the lookup computed it before the version was kept: existing venvs stay valid.
    const d = ctx.settings.deploy;
    const before = bash(
      `{ cat '${ctx.paths.releaseDir('R')}/requirements.txt'; '${py}' -c x; echo 'ssp=${d.venvSystemSitePackages} pip-args=${d.pipArgs}'; } | sha256sum | cut -c1-16`
    ).stdout;
    const n = runs('python3');
    const first = bash(venvKeyScript(ctx, 'R'));
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(before);
    expect(runs('python3')).toBe(n + 1);
    const second = bash(venvKeyScript(ctx, 'R'));
    expect(second.stdout).toBe(before);
    // Kept: no interpreter started for the second key.
    expect(runs('python3')).toBe(n + 1);
  });

  test('another interpreter file (an upgrade): asked again, another key', () => {
    const py = fakePython('python3', '3.13.5');
    const ctx = ctxWith(py);
    const first = bash(venvKeyScript(ctx, 'R')).stdout;
    // Replaced as a package upgrade does: a new file at the same path.
    rmSync(py);
    fakePython('python3', '3.13.7');
    const after = bash(venvKeyScript(ctx, 'R')).stdout;
    expect(after).toMatch(/^[0-9a-f]{16}\n$/);
    expect(after).not.toBe(first);
  });

  test('no requirements file: its own exit code, naming the file', () => {
    const ctx = ctxWith(fakePython('python3', '3.13.5'));
    rmSync(`${ctx.paths.releaseDir('R')}/requirements.txt`);
    const r = bash(venvKeyScript(ctx, 'R'));
    expect(r.status).toBe(43);
    expect(r.stderr).toContain('no requirements.txt in the release');
  });
});

describe('venv usable', () => {
  const usable = serverScript('venv_usable', {}, '', TEMPLATES);
  /** A venv whose python imports gunicorn from `module` (or fails when it is gone), counting runs. */
  function venv(module: string): string {
    const v = path.join(dir, 'venv');
    mkdirSync(`${v}/bin`, { recursive: true });
    writeFileSync(module, '');
    writeFileSync(
      `${v}/bin/python`,
      `#!/bin/bash\necho run >> ${dir}/python.runs\n[ -f ${module} ] || exit 1\necho ${module}\n`
    );
    chmodSync(`${v}/bin/python`, 0o755);
    writeFileSync(`${v}/.complete`, '');
    return v;
  }

  test('Gunicorn checked by an import once; then by its file, with no Python', () => {
    const v = venv(path.join(dir, 'gunicorn-init.py'));
    expect(bash(usable, v).status).toBe(0);
    expect(runs('python')).toBe(1);
    expect(bash(usable, v).status).toBe(0);
    expect(runs('python')).toBe(1);
  });

  test('Gunicorn gone since (a system package removed): the import is asked again and fails', () => {
    const mod = path.join(dir, 'gunicorn-init.py');
    const v = venv(mod);
    expect(bash(usable, v).status).toBe(0);
    rmSync(mod);
    expect(bash(usable, v).status).toBe(1);
    expect(runs('python')).toBe(2);
  });

  test('a venv its build did not mark complete is not usable', () => {
    const v = venv(path.join(dir, 'gunicorn-init.py'));
    rmSync(`${v}/.complete`);
    expect(bash(usable, v).status).toBe(1);
  });
});
