import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** A shell text without its quoted words ('...' and "..." in order, as the shell reads them). */
function unquoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end;
      out += '_';
    } else out += c;
  }
  return out;
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
    const prep = prepareScript(ctx, '20261130T000000Z-abcdef0', true);
    const fin = finishScript(ctx, '20261130T000000Z-abcdef0', true);
    syntaxOk(prep);
    syntaxOk(fin);
    expect(prep).toMatch(
      /setpriv --reuid='shop-build' [^\n]*bash -c '[^']*\ncp -al|setpriv --reuid='shop-build' [\s\S]*cp -al -- /
    );
    // Nothing writes into the release outside a setpriv'd shell.
    // What root's shell runs itself: the script without its quoted words (the setpriv'd scripts).
    const rootLevel = unquoted(fin);
    expect(rootLevel).not.toMatch(/REVISION|cat >|ln -s|mv -T|chmod|install|rm /);
    expect(rootLevel.match(/setpriv/g)).toHaveLength(3);
    expect(fin).toMatch(/setpriv --reuid='shop-build'[\s\S]*rm -rf -- [^\n]*\/REVISION[^\n]*\n/);
    // The shared seed: packed by the build user, unpacked by the app's user.
    expect(fin).toMatch(/setpriv --reuid='shop-build'[^|]*tar -C "\$1" -cf -[^|]*\| setpriv --reuid='shop' /);
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
