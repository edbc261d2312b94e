import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { templatesDir } from '../../src/render/templates-dir.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { appFiles, stageInput, stageScript } from '../../src/steps/config.js';
import { finishScript, prepareScript } from '../../src/steps/upload.js';
import { venvScript } from '../../src/steps/venv.js';
import { layoutScript } from '../../src/steps/layout.js';
import { remoteUnpackCommand } from '../../src/ssh/upload.js';
import { callsOf, fakeBin } from '../support/fake-bin.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const SECRET = 'sEcReT-0123456789abcdef';

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    env: `SECRET_KEY=${SECRET}`,
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function ctxFor(s: Settings): DeployContext {
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

describe('secrets stay out of command lines', () => {
  const ctx = ctxFor(settings());
  const files = appFiles(ctx, 2);

  test('the staged files travel on stdin, one base64 line each; the script holds none of their text', () => {
    const script = stageScript(ctx, files);
    syntaxOk(script);
    const env = files.find((f) => f.path.endsWith('/env'))!;
    expect(env.content).toContain(SECRET);
    expect(script).not.toContain(SECRET);
    for (const f of files) expect(script).not.toContain(Buffer.from(f.content).toString('base64'));
    const lines = stageInput(files).trimEnd().split('\n');
    expect(lines.map((l) => Buffer.from(l, 'base64').toString())).toEqual(files.map((f) => f.content));
  });

  test('run locally, the stage script writes each file from stdin', () => {
    // The script's own paths, pointed at a scratch folder, with chown/cmp made harmless.
    const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
    const script = stageScript(ctx, files)
      .replaceAll('/etc/shop', dir)
      .replace(/chown [^;\n]*/g, 'true')
      .replace(/install -d [^\n]*/, `mkdir -p ${dir}/staged`);
    const out = execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], {
      input: stageInput(files),
      encoding: 'utf8'
    });
    expect(out).toMatch(/^changed=/m);
    const env = execFileSync('cat', [`${dir}/staged/env`], { encoding: 'utf8' });
    expect(env).toMatch(new RegExp(`^SECRET_KEY="?${SECRET}"?$`, 'm'));
    execFileSync('rm', ['-rf', dir]);
  });
});

describe('repository content is handled by the build user', () => {
  const ctx = ctxFor(settings({ 'shared-paths': 'instance' }));

  test('layout creates APP-build and gives it releases, venvs and incoming', () => {
    const s = layoutScript(ctx);
    syntaxOk(s);
    expect(s).toMatch(/^# layout\.sh$/m);
    expect(s).toMatch(/^build_user='shop-build'$/m);
    expect(s).toMatch(/^releases='\/srv\/shop\/releases'$/m);
    const body = readFileSync(path.join(templatesDir(), 'scripts', 'layout.sh'), 'utf8');
    expect(body).toContain(
      'useradd --system --gid "$build_user" --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$build_user"'
    );
    expect(body).toContain('for d in "$releases" "$venvs" "$incoming"; do');
    expect(body).toContain('install -d -m 0755 -o "$build_user" -g "$build_user" "$d"');
  });

  test('the copy, REVISION, manifest, links and the move run through setpriv as the build user', () => {
    // Run against stubs in a scratch app-dir: root's own commands are what the stubs record outside
    // setpriv (whose stub runs nothing), so everything else the scripts do is the users' shells'.
    const fb = fakeBin({ stat: 'echo shop-build', nproc: 'echo 2' });
    try {
      const c = ctxFor(settings());
      c.settings.app.dir = `${fb.sandbox}/srv/shop`;
      c.paths = appLayout(c.settings);
      mkdirSync(`${c.paths.releases}/20261129T000000Z-0000000`, { recursive: true });
      symlinkSync('releases/20261129T000000Z-0000000', c.paths.current);
      const id = '20261130T000000Z-abcdef0';
      const prep = fb.run(`set -euo pipefail\n${prepareScript(c, id, true)}`);
      expect(prep.code).toBe(0);
      expect(prep.stdout).toContain(`release=${id}\n`);
      const copy = callsOf(prep, 'setpriv');
      expect(
        prep.calls.map((x) => x[0]).filter((x) => !['setpriv', 'stat', 'nproc', 'rm'].includes(x))
      ).toEqual([]);
      expect(copy).toHaveLength(1);
      expect(copy[0]!.slice(1, 3)).toEqual(['--reuid=shop-build', '--regid=shop-build']);
      expect(copy[0]!.join(' ')).toMatch(/# release_copy\.sh[\s\S]*cp -al -- "\$prev" "\$dst"/);
      expect(copy[0]!.slice(-2)).toEqual([
        `${c.paths.releases}/20261129T000000Z-0000000`,
        `${c.paths.incoming}/${id}`
      ]);

      const fin = fb.run(`set -euo pipefail\n${finishScript(c, id, true)}`);
      expect(fin.code).toBe(0);
      // Nothing writes into the release outside a setpriv'd shell: root runs setpriv only.
      expect(fin.calls.map((x) => x[0])).toEqual(['setpriv', 'setpriv', 'setpriv']);
      // The two sides of a pipe start together: told apart by what they run.
      const calls = callsOf(fin, 'setpriv').map((x) => ({ user: x[1], text: x.join(' ') }));
      const by = (what: string) => calls.filter((x) => x.text.includes(what));
      // The shared seed: packed by the build user, unpacked by the app's user.
      expect(by('tar -C "$1" -cf - .')).toEqual([expect.objectContaining({ user: '--reuid=shop-build' })]);
      expect(by('tar -C "$1" --no-same-owner -xf -')).toEqual([
        expect.objectContaining({ user: '--reuid=shop' })
      ]);
      const finish = by('# release_finish.sh')[0];
      expect(finish).toMatchObject({ user: '--reuid=shop-build' });
      expect(finish!.text).toMatch(
        /# release_finish\.sh[\s\S]*rm -rf -- "\$incoming\/REVISION"[\s\S]*mv -T -- /
      );
    } finally {
      fb.cleanup();
    }
  });

  test('the venv is keyed, built and linked as the build user; pip in a transient unit', () => {
    const v = venvScript(ctx, 'R');
    syntaxOk(v);
    // Run against stubs: the key, the usable test and the link all go through setpriv as the build
    // user (a venv not usable here: the build runs too, in its unit as the build user).
    const fb = fakeBin({
      setpriv: 'case "$*" in *"# venv_usable.sh"*) exit 1;; *"# venv_key.sh"*) echo 0123456789abcdef;; esac'
    });
    try {
      const r = fb.run(`set -euo pipefail\n${v}`);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('hash=0123456789abcdef\nreused=no\n');
      const asBuild = callsOf(r, 'setpriv');
      expect(asBuild).toHaveLength(3);
      for (const c of asBuild) expect(c.slice(1, 3)).toEqual(['--reuid=shop-build', '--regid=shop-build']);
      expect(asBuild[0]!.join(' ')).toContain('# venv_key.sh');
      expect(asBuild[2]!.slice(-2)).toEqual([
        '/srv/shop/venvs/0123456789abcdef',
        '/srv/shop/releases/R/.venv'
      ]);
      expect(callsOf(r, 'systemd-run')[0]).toEqual(expect.arrayContaining(['User=shop-build']));
    } finally {
      fb.cleanup();
    }
    expect(v).toMatch(/systemd-run [^\n]*-p User='shop-build'[^\n]*-p NoNewPrivileges=yes -p PrivateTmp=yes/);
    expect(v).toMatch(/trap [^\n]*done[^\n]*rm -rf -- [^\n]*EXIT/);
  });

  test('the upload unpacks as the given user and removes its folder when it fails', () => {
    const c = remoteUnpackCommand('/srv/shop/.deploy/incoming/R', { asUser: 'shop-build', discard: true });
    syntaxOk(c);
    expect(c).toMatch(/^setpriv --reuid='shop-build' /);
    expect(c).toContain('rm -rf --');
    expect(remoteUnpackCommand('/x')).not.toContain('rm -rf');
  });
});
