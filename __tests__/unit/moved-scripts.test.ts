import { mkdirSync, writeFileSync } from 'node:fs';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { installKeptScript, putBackScript } from '../../src/steps/release-units.js';
import { writeSetScript } from '../../src/steps/processes.js';
import { serverOneLine } from '../../src/render/scripts.js';
import { callsOf, fakeBin, type FakeBin } from '../support/fake-bin.js';

// Scripts of templates/scripts/ run under bash against stubs: the commands they run, in order,
// with the values TypeScript gave them (what the server does with them is the e2e tests' part).
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

let fb: FakeBin;
beforeEach(() => {
  fb = fakeBin();
});
afterEach(() => fb.cleanup());

function makeCtx(inputs: Record<string, string> = {}, appDir?: string): DeployContext {
  const all: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    ...inputs
  };
  const settings = parseSettings((n) => all[n] ?? '');
  // The scratch folder is in /tmp, which the rules refuse as an app-dir: put in behind their back.
  if (appDir) settings.app.dir = appDir;
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    paths: appLayout(settings),
    facts: {}
  };
}

const run = (script: string) => fb.run(`set -euo pipefail\n${script}`);

describe('release_units_install.sh and release_units_put_back.sh', () => {
  const prev = '/srv/shop/.deploy/config-previous';
  it("saves each live file, installs the release's kept copy over it, reloads systemd for the unit", () => {
    const r = run(installKeptScript(makeCtx(), 'R1', ['service', 'gunicorn']));
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      ['rm', '-rf', '--', prev],
      ['install', '-d', '-m', '0700', prev],
      ['cp', '-a', '--', '/etc/systemd/system/shop.service', `${prev}/shop.service`],
      [
        'install',
        ...['-m', '0644', '-o', 'root', '-g', 'root', '--'],
        '/etc/shop/release-config/R1/shop.service',
        '/etc/systemd/system/shop.service'
      ],
      ['cp', '-a', '--', '/etc/shop/gunicorn.conf.py', `${prev}/gunicorn.conf.py`],
      [
        'install',
        ...['-m', '0644', '-o', 'root', '-g', 'root', '--'],
        '/etc/shop/release-config/R1/gunicorn.conf.py',
        '/etc/shop/gunicorn.conf.py'
      ],
      ['systemctl', 'daemon-reload']
    ]);
    // The Gunicorn config alone: no daemon-reload.
    expect(callsOf(run(installKeptScript(makeCtx(), 'R1', ['gunicorn'])), 'systemctl')).toEqual([]);
  });

  it('puts back only the saved files that are there', () => {
    const ctx = makeCtx({}, `${fb.sandbox}/srv/shop`);
    const saved = ctx.paths.configPrevious;
    mkdirSync(saved, { recursive: true });
    writeFileSync(`${saved}/gunicorn.conf.py`, 'workers = 2\n');
    const r = run(putBackScript(ctx, ['service', 'gunicorn']));
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      ['cp', '-a', '--', `${saved}/gunicorn.conf.py`, '/etc/shop/gunicorn.conf.py'],
      ['systemctl', 'daemon-reload']
    ]);
  });
});

describe("processes_set.sh: root's copy of the RQ stop program", () => {
  const rq = '/etc/shop/processes/rq-requeue.py';
  it('is written (then made readable and moved in place) only when a process is an RQ worker', () => {
    // Without set -e: /etc/shop is not there to write into, and the commands after are the point.
    const worker = fb.run(writeSetScript(makeCtx({ processes: 'worker: rq worker jobs' }), 'R1'));
    expect(callsOf(worker, 'chmod')).toEqual([['chmod', '0644', `${rq}.new`]]);
    expect(callsOf(worker, 'mv')[0]).toEqual(['mv', '-T', '--', `${rq}.new`, rq]);
    const celery = fb.run(writeSetScript(makeCtx({ processes: 'worker: celery -A app worker' }), 'R1'));
    expect(callsOf(celery, 'chmod')).toEqual([]);
    expect(callsOf(celery, 'mv').map((c) => c.at(-1))).not.toContain(rq);
  });
});

describe('serverOneLine', () => {
  it("joins the file's statements with `; ` after the prologue, comments left out", () => {
    const line = serverOneLine('rq_stop', { limit: 3 });
    expect(line).toMatch(/^limit='3'; p=\$\{MAINPID:-\}; /);
    expect(line).not.toMatch(/\n|# /);
  });
  it('refuses a file with a line that cannot be joined', () => {
    const dir = `${fb.sandbox}/templates`;
    mkdirSync(`${dir}/scripts`, { recursive: true });
    writeFileSync(`${dir}/scripts/loop.sh`, 'for i in 1 2; do\n  echo "$i"\ndone\n');
    expect(() => serverOneLine('loop', {}, dir)).toThrow(/"for i in 1 2; do" cannot be joined/);
  });
});
