import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { serverScript } from '../../src/render/scripts.js';

const TEMPLATES = path.join(process.cwd(), 'templates');

/**
 * prune.sh run for real under bash on a folder tree of releases and venvs (everything under a
 * temporary folder; systemd-run is a stub that fails, so the script's own rm fallback empties the
 * trash and nothing starts on this machine).
 */
describe('prune.sh', () => {
  let root: string;
  const r = (n: number): string => `20260101T00000${n}Z-local`;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'gd-prune-'));
    for (const d of ['releases', 'venvs', 'trash', 'bin']) mkdirSync(path.join(root, d));
    writeFileSync(path.join(root, 'bin', 'systemd-run'), '#!/bin/sh\nexit 1\n');
    chmodSync(path.join(root, 'bin', 'systemd-run'), 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function release(n: number, venv?: string): void {
    mkdirSync(path.join(root, 'releases', r(n)));
    if (venv) symlinkSync(path.join(root, 'venvs', venv), path.join(root, 'releases', r(n), '.venv'));
  }

  /** Each tool the script may start, logged by name before it runs: the processes a prune costs. */
  const TOOLS = ['mv', 'mkdir', 'rm', 'readlink', 'sed', 'cat', 'ls', 'sort', 'basename', 'install', 'chmod'];

  function run(
    keepReleases: number,
    keepAlso: string[],
    systemdRun = 'exit 1'
  ): { facts: Record<string, string>; calls: string[] } {
    const bin = path.join(root, 'bin');
    writeFileSync(path.join(bin, 'systemd-run'), `#!/bin/sh\n${systemdRun}\n`);
    for (const t of TOOLS) {
      const real = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(path.join(bin, t), `#!/bin/sh\necho ${t} >> ${root}/calls\nexec ${real} "$@"\n`);
      chmodSync(path.join(bin, t), 0o755);
    }
    const script = serverScript(
      'prune',
      {
        releases: path.join(root, 'releases'),
        current: path.join(root, 'current'),
        venvs: path.join(root, 'venvs'),
        trash_root: path.join(root, 'trash'),
        keep_releases: keepReleases,
        keep_also: keepAlso.join(' ')
      },
      '',
      TEMPLATES
    );
    // A background job that kept stdout or stderr open would hold spawnSync to its timeout.
    const res = spawnSync('bash', ['--norc', '-c', `set -euo pipefail\n${script}`], {
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}` },
      timeout: 10_000
    });
    expect(res.error).toBeUndefined();
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const calls = existsSync(path.join(root, 'calls'))
      ? readFileSync(path.join(root, 'calls'), 'utf8').trim().split('\n')
      : [];
    const facts = Object.fromEntries(
      res.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string])
    );
    return { facts, calls };
  }

  function prune(keepReleases: number, keepAlso: string[]): Record<string, string> {
    return run(keepReleases, keepAlso).facts;
  }

  /** The trash's entries once the background removal is done (or after 5 s). */
  async function trashEmptied(): Promise<string[]> {
    const trash = path.join(root, 'trash');
    for (let i = 0; i < 100 && readdirSync(trash).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    return readdirSync(trash);
  }

  it('keeps the newest, current and the ones asked for; moves the rest and their unused venvs out', async () => {
    for (const v of ['v1', 'v2', 'v3', '.pip-cache']) mkdirSync(path.join(root, 'venvs', v));
    writeFileSync(path.join(root, 'venvs', 'v3.pip.log'), 'log');
    release(1, 'v1');
    release(2, 'v2');
    release(3, 'v3');
    release(4, 'v2');
    release(5, 'v3');
    release(6, 'v3');
    symlinkSync(path.join(root, 'releases', r(3)), path.join(root, 'current'));
    // A reboot in the middle of an earlier removal left this behind.
    mkdirSync(path.join(root, 'trash', '123', 'release-old'), { recursive: true });

    expect(prune(2, [r(1)])).toEqual({ releases_removed: '2', venvs_removed: '1', releases_kept: '4' });
    expect(readdirSync(path.join(root, 'releases')).sort()).toEqual([r(1), r(3), r(5), r(6)]);
    expect(readdirSync(path.join(root, 'venvs')).sort()).toEqual(['.pip-cache', 'v1', 'v3', 'v3.pip.log']);
    // The trash is emptied in the background (by the fallback here), what it held included.
    expect(await trashEmptied()).toEqual([]);
  });

  it('moves a single release out with one rename, straight into the trash', async () => {
    mkdirSync(path.join(root, 'venvs', 'v1'));
    for (const n of [1, 2, 3]) release(n, 'v1');
    symlinkSync(path.join(root, 'releases', r(3)), path.join(root, 'current'));
    const res = run(2, [], 'exit 0');
    expect(res.facts).toEqual({ releases_removed: '1', venvs_removed: '0', releases_kept: '2' });
    expect(readdirSync(path.join(root, 'releases')).sort()).toEqual([r(2), r(3)]);
    expect(readdirSync(path.join(root, 'trash'))).toEqual([
      expect.stringMatching(new RegExp(`^[0-9]+-release-${r(1)}$`))
    ]);
    expect(res.calls).toEqual(['mv']);
  });

  it('answers before the transient unit is even asked for: the removal is off the deploy path', async () => {
    mkdirSync(path.join(root, 'venvs', 'v1'));
    for (const n of [1, 2]) release(n, 'v1');
    symlinkSync(path.join(root, 'releases', r(2)), path.join(root, 'current'));
    const go = path.join(root, 'go');
    const ran = path.join(root, 'ran');
    // systemd-run waits until the test has the script's answer, then notes its arguments.
    const res = run(1, [], `while [ ! -e ${go} ]; do sleep 0.05; done; printf '%s\\n' "$@" > ${ran}; exit 0`);
    expect(res.facts).toEqual({ releases_removed: '1', venvs_removed: '0', releases_kept: '1' });
    expect(existsSync(ran)).toBe(false);
    writeFileSync(go, '');
    for (let i = 0; i < 100 && !existsSync(ran); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(ran, 'utf8').split('\n')).toEqual([
      ...['--quiet', '--no-block', '--collect', '-p', 'Nice=19', '-p', 'IOSchedulingClass=idle', '--'],
      ...['sh', '-c', 'rm -rf -- "$1"/*', 'sh', path.join(root, 'trash'), '']
    ]);
  });

  it('keeps everything when there are no more releases than it keeps', () => {
    mkdirSync(path.join(root, 'venvs', 'v1'));
    release(1, 'v1');
    release(2, 'v1');
    symlinkSync(path.join(root, 'releases', r(2)), path.join(root, 'current'));
    expect(prune(5, [])).toEqual({ releases_removed: '0', venvs_removed: '0', releases_kept: '2' });
    expect(existsSync(path.join(root, 'venvs', 'v1'))).toBe(true);
  });

  it('says 0 of everything on a server with no release and no venv yet', () => {
    expect(prune(5, [])).toEqual({ releases_removed: '0', venvs_removed: '0', releases_kept: '0' });
  });
});
