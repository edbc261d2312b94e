import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import type { DeployContext } from '../../src/deploy/context.js';
import { parseFacts } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { shQuote } from '../../src/ssh/quote.js';
import { serverProgram } from '../../src/render/scripts.js';
import { checkAndList, checkCommand, MARKER } from '../../src/steps/check.js';
import { candidateScript, candidateWarmScript, importHook } from '../../src/steps/candidate.js';
import { callsOf, fakeBin, type FakeBin, type ScriptRun } from '../support/fake-bin.js';

// The import check (check.sh, run under sh) and the candidate as the import check, each keeping
// the preload list (preload_list.sh), run against stubs: the systemd-run of the check prints the
// app's output, the marker and the libraries; the candidate's worker writes its runtime folder.
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const NEW = '20261130T100000Z-bbbbbbb';
const OLD_GONE = '20261101T100000Z-ccccccc';

const STUBS = {
  'systemd-run': `case " $* " in *" --unit="*) exit 0;; esac
printf 'app says hi\\n'; [ "\${GD_LIST:-yes}" = yes ] && printf '%s\\nflask\\nbad name;rm\\njinja2.ext\\n' ${shQuote(MARKER)}
exit "\${GD_RC:-0}"`,
  // The candidate's worker list is read as the app's user: the stub runs head (and curl) as given.
  setpriv: 'while [ "$1" != -- ]; do shift; done; shift; case "$1" in curl|head) exec "$@";; esac; exit 0',
  systemctl: 'case "$1" in is-active) exit 0;; show) echo 0;; esac',
  rm: 'exec /usr/bin/rm "$@"',
  // The candidate's health path answers 200 (its body to -o, the code on stderr).
  curl: 'printf ok; printf 200 >&2'
};

let fb: FakeBin;
let ctx: DeployContext;

beforeEach(() => {
  fb = fakeBin(STUBS);
  const all: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    'preload-libraries': 'true'
  };
  const settings = parseSettings((n) => all[n] ?? '');
  settings.app.dir = `${fb.sandbox}/srv/shop`;
  settings.deploy.healthTimeoutMs = 1000;
  const paths = { ...appLayout(settings), preloadDir: `${fb.sandbox}/etc/preload` };
  mkdirSync(`${paths.releases}/${NEW}`, { recursive: true });
  mkdirSync(paths.preloadDir, { recursive: true });
  for (const d of ['release-states', 'release-settings'])
    mkdirSync(`${paths.state}/${d}`, { recursive: true });
  writeFileSync(`${paths.preloadDir}/${OLD_GONE}`, 'old\n');
  ctx = {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    paths,
    facts: {}
  };
});
afterEach(() => fb.cleanup());

const conf = { envFile: '/etc/shop/staged/env', gunicornConf: '/etc/shop/staged/gunicorn.conf.py' };
const list = (): string => readFileSync(`${ctx.paths.preloadDir}/${NEW}`, 'utf8');
const sh = (script: string, env: Record<string, string> = {}): ScriptRun =>
  fb.run(`exec /bin/sh -c ${shQuote(script)}`, { env });

describe('the import check (check.sh under sh)', () => {
  test('a release that imports: the app output passed on, its module names kept as its list', () => {
    const r = sh(checkCommand(ctx, NEW, conf));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('app says hi\n');
    expect(list()).toBe('flask\njinja2.ext\n');
    // Lists of releases no longer on the server go; the release is recorded as built.
    expect(existsSync(`${ctx.paths.preloadDir}/${OLD_GONE}`)).toBe(false);
    expect(readFileSync(`${ctx.paths.state}/release-states/${NEW}`, 'utf8')).toBe('built\n');
    // The check's Python is ours around Gunicorn's entry point, after the libraries' definition.
    const argv = callsOf(r, 'systemd-run')[0]!;
    expect(argv[argv.indexOf('-c') + 1]).toBe(checkAndList().replace(/\$/g, '$$$$'));
    const rel = `${ctx.paths.releases}/${NEW}`;
    expect(argv.slice(-6)).toEqual([
      '--check-config',
      '-c',
      conf.gunicornConf,
      '--chdir',
      rel,
      ctx.settings.deploy.wsgiApp
    ]);
  });

  test('a release that does not import: its exit status, and no list written', () => {
    const r = sh(checkCommand(ctx, NEW, conf), { GD_RC: '3' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('app says hi\n');
    expect(existsSync(`${ctx.paths.preloadDir}/${NEW}`)).toBe(false);
  });

  test('without preload-libraries: gunicorn itself, its status, nothing kept', () => {
    ctx.settings.deploy.preloadLibraries = false;
    const r = sh(checkCommand(ctx, NEW, conf), { GD_RC: '4', GD_LIST: 'no' });
    expect(r.code).toBe(4);
    expect(callsOf(r, 'systemd-run')[0]).toEqual(
      expect.arrayContaining(['-m', 'gunicorn', '--check-config'])
    );
    expect(existsSync(`${ctx.paths.preloadDir}/${NEW}`)).toBe(false);
  });

  test('the marker is the one check_list.py prints', () => {
    expect(serverProgram('check_list')).toContain(`"\\n${MARKER}\\n"`);
  });
});

describe('the candidate as the import check', () => {
  test("its worker's list is kept as the release's, read as the app's user", () => {
    const rundir = `/run/${ctx.paths.candidateUnit}`;
    // The stubs cannot write /run: the runtime folder is the sandbox's, by the same name.
    const script = candidateScript(ctx, NEW, conf, true).replaceAll(rundir, `${fb.sandbox}${rundir}`);
    mkdirSync(`${fb.sandbox}${rundir}`, { recursive: true });
    writeFileSync(`${fb.sandbox}${rundir}/loaded`, 'gunicorn\n../evil\nflask.app\n');
    const r = fb.run(`set -euo pipefail\n${script}`);
    expect(parseFacts(r.stdout)).toMatchObject({ candidate: 'ok', import: 'ok' });
    expect(list()).toBe('gunicorn\nflask.app\n');
    expect(callsOf(r, 'setpriv').find((c) => c.includes('head'))).toEqual(
      expect.arrayContaining([`--reuid=${ctx.paths.user}`, 'head', `${fb.sandbox}${rundir}/loaded`])
    );
  });

  test('crosses systemd-run as it is: no $ in the hook (systemd would expand it), and it compiles', () => {
    const hook = importHook();
    expect(hook).not.toContain('$');
    expect(hook.match(/%/g)).toEqual(['%']);
    execFileSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "hook", "exec")'], { input: hook });
    expect(hook).toMatch(/def libraries\(\)[\s\S]*def mark_app_kind[\s\S]*post_worker_init/);
  });

  test("the warm master's program crosses systemd-run the same way: no $, the hook's one %, and it compiles", () => {
    const script = candidateWarmScript(ctx, '20261207T120000Z-abc1234', {
      envFile: '/etc/shop/staged/env',
      gunicornConf: '/etc/shop/staged/gunicorn.conf.py'
    });
    const q = /^warm_program='([\s\S]*?)'$/m.exec(script)![1]!;
    const program = q.split(`'"'"'`).join("'");
    expect(program).not.toContain('$');
    expect(program.match(/%/g)).toEqual(['%']);
    expect(program).toContain('def _warm_start()');
    expect(program.endsWith(importHook())).toBe(true);
    execFileSync('python3', ['-c', 'import sys; compile(sys.stdin.read(), "warm", "exec")'], {
      input: program
    });
  });
});
