import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidateBootScript } from '../../src/steps/candidate.js';
import { callsOf, fakeBin, type FakeBin } from '../support/fake-bin.js';
import { scriptContext } from '../support/script-context.js';

// candidate_boot.sh under bash against stubs: when the master this run started warm gets the go
// (root's go file written), and when it is stopped and the master boots cold instead.
const ID = '20261207T120000Z-abc1234';

let fb: FakeBin;
let run: string;
beforeEach(() => {
  fb = fakeBin();
  run = mkdtempSync(path.join(os.tmpdir(), 'gd-run-'));
});
afterEach(() => {
  fb.cleanup();
  rmSync(run, { recursive: true, force: true });
});

/** The boot script with /run and the env files in this test's folder; the warm note as given. */
function boot(note: string, envs: [string, string] = ['A=1\n', 'A=1\n']) {
  writeFileSync(path.join(run, 'staged.env'), envs[0]);
  writeFileSync(path.join(run, 'live.env'), envs[1]);
  writeFileSync(path.join(run, 'gunicorn-deploy-candidate-shop.warm'), note);
  const script = candidateBootScript(
    scriptContext(),
    ID,
    { envFile: `${run}/staged.env`, gunicornConf: '/etc/shop/staged/gunicorn.conf.py' },
    ID
  )
    .replaceAll("'/run/", `'${run}/`)
    .replace(/^live_env='[^']*'$/m, `live_env='${run}/live.env'`);
  const r = fb.run(`set -euo pipefail\n${script}`);
  const goes = callsOf(r, 'mv').filter((c) => c.at(-1) === `${run}/gunicorn-deploy-candidate-shop.go`);
  return {
    r,
    goes: goes.length,
    marker: readFileSync(path.join(run, 'gunicorn-deploy-candidate-shop.early'), 'utf8')
  };
}

const now = () => Math.floor(Date.now() / 1000);

test('a young warm master of this run, with the serving environment file, gets the go', () => {
  const b = boot(`id=${ID}\nat=${now() - 5}\nstarted=0\n`);
  expect(b.r.code).toBe(0);
  expect(b.goes).toBe(1);
  expect(b.marker).toBe(`release=${ID}\nbooted=0\n`);
});

test("an old one, another run's, a failed start or a changed environment file: no go", () => {
  for (const [note, envs] of [
    [`id=${ID}\nat=${now() - 101}\nstarted=0\n`, undefined],
    [`id=20261207T110000Z-abc1234\nat=${now()}\nstarted=0\n`, undefined],
    [`id=${ID}\nat=${now()}\nstarted=1\n`, undefined],
    [`id=${ID}\nat=${now()}\nstarted=0\n`, ['A=2\n', 'A=1\n'] as [string, string]]
  ] as const) {
    const b = boot(note, envs);
    expect({ note, code: b.r.code, goes: b.goes }).toEqual({ note, code: 0, goes: 0 });
  }
});
