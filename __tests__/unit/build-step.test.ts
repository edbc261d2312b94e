import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { buildCommand, buildScript } from '../../src/steps/build.js';
import { finishScript } from '../../src/steps/upload.js';
import { venvScript } from '../../src/steps/venv.js';
import { callsOf, fakeBin } from '../support/fake-bin.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const SECRET = 'sEcReT-0123456789abcdef';

function ctxFor(over: Record<string, string> = {}): DeployContext {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    env: `SECRET_KEY=${SECRET}`,
    ...over
  };
  const s: Settings = parseSettings((n) => all[n] ?? '');
  return {
    remote: {} as Remote,
    settings: s,
    logger: memoryLogger(),
    label: 'h',
    records: [],
    paths: appLayout(s),
    facts: {}
  };
}
const syntaxOk = (script: string): void => void execFileSync('bash', ['-n'], { input: script });

test('build: the build user, the env file read by systemd, only the release writable, no secret in argv', () => {
  const cmd = buildCommand(
    ctxFor({ build: 'python manage.py collectstatic --noinput' }),
    'R',
    '/etc/shop/env'
  );
  syntaxOk(cmd);
  expect(cmd).toMatch(/-p User='shop-build'/);
  expect(cmd).toMatch(/-p EnvironmentFile='\/etc\/shop\/env'/);
  expect(cmd).toMatch(/-p ProtectSystem=strict/);
  expect(cmd).toMatch(/-p ReadWritePaths='\/srv\/shop\/releases\/R'/);
  expect(cmd).toMatch(/-p NoNewPrivileges=yes/);
  expect(cmd).toContain('collectstatic');
  expect(cmd).not.toContain(SECRET);
});

test('venv from pyproject.toml: keyed and installed from the drawn list; gunicorn ensured', () => {
  const ctx = ctxFor({ requirements: 'pyproject.toml', extras: 'prod' });
  const v = venvScript(ctx, 'R', { kind: 'pyproject', file: 'pyproject.toml', extras: ['prod'] });
  syntaxOk(v);
  expect(v).toContain('tomllib');
  expect(v).toContain('gunicorn-deploy-requirements.txt');
  expect(v).toMatch(/pip install [^\n]*gunicorn/);
  expect(v).toContain("'prod'");
});

test('shared files are seeded as files by the app user, never unpacked as folders', () => {
  const ctx = ctxFor({ 'shared-paths': 'instance, db.sqlite3:file' });
  expect(ctx.settings.deploy.sharedPaths).toEqual(['instance', 'db.sqlite3']);
  const fin = finishScript(ctx, 'R', true);
  syntaxOk(fin);
  // Run against stubs: both shared paths are missing, so each is seeded, by its kind.
  const fb = fakeBin();
  try {
    const r = fb.run(`set -euo pipefail\n${fin}`);
    expect(r.code).toBe(0);
    const calls = callsOf(r, 'setpriv').map((c) => c.join(' '));
    const seed = (target: string): string[] =>
      calls.filter((c) => c.endsWith(` gd '${target}'`.replace(/'/g, '')));
    // The file: read by the build user, written as a file (set -C) by the app's user; never by tar.
    const file = calls.filter((c) => c.endsWith('/R/db.sqlite3') || c.endsWith('/shared/db.sqlite3'));
    expect(file).toHaveLength(2);
    expect(file.find((c) => c.includes('--reuid=shop-build'))).toContain('cat -- "$1"');
    expect(file.find((c) => c.includes('--reuid=shop '))).toContain('set -C; cat > "$1"');
    expect(file.join('\n')).not.toContain('tar ');
    // The folder: a tar pipe.
    expect(seed('/srv/shop/shared/instance')).toEqual([expect.stringContaining('--no-same-owner -xf -')]);
  } finally {
    fb.cleanup();
  }
});

describe('the build script, run by bash in a folder standing for the release', () => {
  const run = (build: string): { code: number | null; files: string[]; err: string } => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gd-build-'));
    const rel = path.join(dir, 'releases', 'R');
    mkdirSync(rel, { recursive: true });
    const ctx = ctxFor({ build, 'min-free-space': '0' });
    const r = spawnSync('bash', ['-c', buildScript(ctx, rel)], { cwd: rel, encoding: 'utf8' });
    const files = readdirSync(rel).sort();
    rmSync(dir, { recursive: true, force: true });
    return { code: r.status, files, err: r.stderr };
  };

  test('every build command runs in order; all succeeding is exit 0', () => {
    expect(run('touch a\ntouch b')).toMatchObject({ code: 0, files: ['a', 'b'] });
  });

  test('a command that fails stops the build and fails it, even when a later one would succeed', () => {
    const r = run('touch a\nfalse\ntouch b');
    expect(r.code).not.toBe(0);
    expect(r.files).toEqual(['a']);
  });

  test('a failing stage of a pipeline fails the build; an unset variable too', () => {
    expect(run('false | cat\ntouch b').code).not.toBe(0);
    expect(run('echo "$NOT_SET_ANYWHERE"\ntouch b').code).not.toBe(0);
  });
});
