import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { parseFacts, type DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { switchScript } from '../../src/steps/switch.js';
import { historyCommand } from '../../src/steps/history.js';
import { shQuote } from '../../src/ssh/quote.js';
import { OLD_WORKERS_GRACE_MS, verifyScript } from '../../src/steps/verify.js';
import { candidateScript, candidateUnit, GRACE_MS } from '../../src/steps/candidate.js';
import { callsOf, fakeBin, type FakeBin, type ScriptRun } from '../support/fake-bin.js';

// The switch and the proof are pure script logic around systemctl, a symlink and /proc: they run
// here under bash, in a scratch app-dir, against a stub systemctl (and curl) and real processes
// standing in for Gunicorn's master and workers. What systemd and Gunicorn really do with them is
// the e2e tests' part (deploy-lifecycle, deploy-faults).
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const OLD = '20261129T100000Z-aaaaaaa';
const NEW = '20261130T100000Z-bbbbbbb';

// systemctl answers from the environment: GD_ACTIVE (is-active --quiet, and show's ActiveState
// unless GD_ASTATE names it), GD_STATE (is-active's word), GD_MAIN_PID (show's MainPID). curl writes GD_BODY to its -o file (or stdout for -o -) and
// prints a status code (on stderr for a -w of %{stderr}).
const STUBS = {
  systemctl: `case "$1" in
  is-active) if [ "$2" = --quiet ]; then [ "\${GD_ACTIVE:-no}" = yes ]; exit; fi; echo "\${GD_STATE:-active}"; [ "\${GD_STATE:-active}" = active ];;
  is-enabled) exit 1;;
  show) if [ "$4" = --value ]; then echo "\${GD_MAIN_PID:-0}"; exit; fi
    a=inactive; [ "\${GD_ACTIVE:-no}" = yes ] && a=active
    echo "MainPID=\${GD_MAIN_PID:-0}"; echo "ActiveState=\${GD_ASTATE:-$a}";;
esac`,
  // GD_ROUTES ("/path=code ...") answers by path; otherwise GD_CODES, one per call, the last repeating.
  curl: `out=; url=; w=; while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; [ "$1" = -w ] && w=$2; url=$1; shift; done
code=
for r in \${GD_ROUTES:-}; do [ "/\${url#http://*/}" = "\${r%=*}" ] && code=\${r##*=}; done
if [ -z "$code" ]; then
  n=$(( $(cat "$GD_TMP/curl-calls" 2>/dev/null || echo 0) + 1 )); echo $n > "$GD_TMP/curl-calls"
  set -- \${GD_CODES:-200}; [ $n -le $# ] || n=$#; code=\${!n}
fi
if [ "$out" = - ]; then printf '%s' "\${GD_BODY:-ok}"; elif [ -n "$out" ]; then printf '%s' "\${GD_BODY:-ok}" > "$out"; fi
case "$w" in '%{stderr}'*) printf '%s' "$code" >&2;; *) printf '%s' "$code";; esac`,
  // The candidate's requests go as the app's user: the stub runs curl (only curl) as given.
  setpriv: 'while [ "$1" != -- ]; do shift; done; shift; [ "$1" = curl ] && exec "$@"; exit 0',
  // The link flip is the point of the switch: real ln and mv, inside the scratch folder only.
  ln: 'for a in "$@"; do case "$a" in /*) case "$a" in "$GD_SANDBOX"/*) ;; *) echo "refused $a" >&2; exit 99;; esac;; esac; done; exec /usr/bin/ln "$@"',
  mv: 'for a in "$@"; do case "$a" in /*) case "$a" in "$GD_SANDBOX"/*) ;; *) echo "refused $a" >&2; exit 99;; esac;; esac; done; exec /usr/bin/mv "$@"'
};

let fb: FakeBin;
let ctx: DeployContext;
let procs: ChildProcess[] = [];

beforeEach(() => {
  fb = fakeBin(STUBS);
  ctx = makeCtx('shop', 'srv/shop');
});

/** A server context whose app-dir is in the scratch folder, with releases OLD and NEW. */
function makeCtx(name: string, dir: string): DeployContext {
  const all: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop'
  };
  const settings = parseSettings((n) => all[n] ?? '');
  // The scratch folder is in /tmp, which the rules refuse as an app-dir; a name the rules refuse
  // is put in behind their back the same way.
  settings.app.name = name;
  settings.app.dir = `${fb.sandbox}/${dir}`;
  settings.deploy.healthTimeoutMs = 1000;
  const paths = { ...appLayout(settings), gunicornConf: `${fb.sandbox}/gunicorn.conf.py` };
  for (const r of [OLD, NEW]) mkdirSync(`${paths.releases}/${r}`, { recursive: true });
  mkdirSync(`${paths.state}/release-states`, { recursive: true });
  writeFileSync(paths.gunicornConf, 'workers = 2\n');
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    paths,
    facts: {}
  };
}

afterEach(() => {
  for (const p of procs) {
    try {
      process.kill(-p.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  procs = [];
  fb.cleanup();
});

function run(script: string, env: Record<string, string> = {}): ScriptRun {
  return fb.run(`set -euo pipefail\n${script}`, { env: { GD_SANDBOX: fb.sandbox, ...env } });
}

/** A stand-in Gunicorn master: a process whose children work in the given folders. */
async function master(
  workerDirs: string[],
  /** Back in its main loop, as Gunicorn's is once a reload returned: waiting in select. */
  idle = false
): Promise<{ pid: number; workers: Map<string, number[]> }> {
  const body = workerDirs.map((d) => `(cd ${shQuote(d)} && exec sleep 60) &`).join('\n');
  const wait = idle
    ? `exec python3 -c 'import os, select; r, w = os.pipe(); select.select([r], [], [], 60)'`
    : 'wait';
  const p = spawn('/bin/bash', ['-c', `${body}\n${wait}`], { detached: true, stdio: 'ignore' });
  procs.push(p);
  const pid = p.pid!;
  // Until every worker has started (in its folder).
  for (let i = 0; i < 100; i++) {
    const kids = childrenOf(pid);
    const waiting = !idle || /poll_schedule_timeout|do_select/.test(wchanOf(pid));
    if (waiting && kids.length === workerDirs.length && kids.every((k) => cwdOf(k) !== cwdOf(pid))) {
      const workers = new Map<string, number[]>();
      for (const k of kids) workers.set(cwdOf(k), [...(workers.get(cwdOf(k)) ?? []), k]);
      return { pid, workers };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the stand-in workers did not start');
}

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter((s) => s)
    .map(Number);
}
const wchanOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/wchan`, 'utf8');
  } catch {
    return '';
  }
};
const cwdOf = (pid: number): string => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
};

const facts = parseFacts;

describe('switch script', () => {
  test('a stopped service: current points at the release, the service is started', () => {
    const r = run(switchScript(ctx, NEW, false));
    expect(r.code).toBe(0);
    expect(readlinkSync(ctx.paths.current)).toBe(`releases/${NEW}`);
    expect(facts(r.stdout).reload).toBe('start');
    expect(callsOf(r, 'systemctl').filter((c) => !['show', 'is-active'].includes(c[1]!))).toEqual([
      ['systemctl', 'reset-failed', 'shop.service'],
      ['systemctl', 'start', 'shop.service']
    ]);
  });

  test('code only: the link flips atomically and Gunicorn gets a reload (HUP), never a restart or a kill', () => {
    symlinkSync(`releases/${OLD}`, ctx.paths.current);
    const r = run(switchScript(ctx, NEW, false), { GD_ACTIVE: 'yes' });
    expect(r.code).toBe(0);
    expect(readlinkSync(ctx.paths.current)).toBe(`releases/${NEW}`);
    // A new link renamed over the old one: there is no moment without `current`.
    expect(callsOf(r, 'mv')).toEqual([['mv', '-T', `${ctx.paths.dir}/.current.tmp`, ctx.paths.current]]);
    expect(existsSync(`${ctx.paths.dir}/.current.tmp`)).toBe(false);
    expect(facts(r.stdout).reload).toBe('hup');
    const changing = callsOf(r, 'systemctl').filter((c) => !['show', 'is-active'].includes(c[1]!));
    expect(changing).toEqual([['systemctl', 'reload', 'shop.service']]);
    // The socket unit is never touched by a switch.
    expect(r.calls.flat().some((a) => a.includes('shop.socket'))).toBe(false);
  });

  test('a new venv or changed units: a restart (the socket unit holds the connections)', () => {
    symlinkSync(`releases/${OLD}`, ctx.paths.current);
    const r = run(switchScript(ctx, NEW, true), { GD_ACTIVE: 'yes' });
    expect(facts(r.stdout).reload).toBe('restart');
    expect(callsOf(r, 'systemctl').filter((c) => c[1] === 'restart' || c[1] === 'reload')).toEqual([
      ['systemctl', 'restart', 'shop.service']
    ]);
  });

  test('one question to systemd before Gunicorn is told: the master and the state together', () => {
    symlinkSync(`releases/${OLD}`, ctx.paths.current);
    const r = run(switchScript(ctx, NEW, false), { GD_ACTIVE: 'yes', GD_MAIN_PID: '4242' });
    expect(callsOf(r, 'systemctl')).toEqual([
      ['systemctl', 'show', '-p', 'MainPID', '-p', 'ActiveState', 'shop.service'],
      ['systemctl', 'reload', 'shop.service']
    ]);
    // A HUP keeps the master: the verify sent with this switch takes it from here.
    expect(facts(r.stdout)).toMatchObject({ reload: 'hup', master: '4242' });
    expect(readFileSync(ctx.paths.lastSwitch, 'utf8')).toBe('old_workers=\nmaster=4242\nreload=hup\n');
  });

  test.each([
    ['reloading', 'hup'],
    ['activating', 'start'],
    ['deactivating', 'start'],
    ['failed', 'start'],
    ['inactive', 'start'],
    ['', 'start']
  ])('the service %p: as is-active decided, %p', (astate, reload) => {
    const r = run(switchScript(ctx, NEW, false), { GD_ASTATE: astate, GD_MAIN_PID: '4242' });
    expect(r.code).toBe(0);
    expect(facts(r.stdout).reload).toBe(reload);
    // A new master after a start: none is handed to the verify.
    expect(facts(r.stdout).master).toBe(reload === 'hup' ? '4242' : undefined);
  });

  test('no answer from systemd (or a PID that is not a number): started, no master handed on', () => {
    const none = fb.run(`set -euo pipefail\n${switchScript(ctx, NEW, false)}`, {
      env: { GD_SANDBOX: fb.sandbox, GD_MAIN_PID: '1; pwned' }
    });
    expect(none.code).toBe(0);
    expect(facts(none.stdout).reload).toBe('start');
    expect(readFileSync(ctx.paths.lastSwitch, 'utf8')).toMatch(/^master=0$/m);
    expect(callsOf(none, 'pwned')).toEqual([]);
  });

  test('the old workers are listed, so the proof can tell them from the new ones', async () => {
    const m = await master([`${ctx.paths.releases}/${OLD}`, `${ctx.paths.releases}/${OLD}`]);
    const r = run(switchScript(ctx, NEW, false), { GD_ACTIVE: 'yes', GD_MAIN_PID: String(m.pid) });
    const listed = facts(r.stdout).old_workers!.trim().split(/\s+/).map(Number).sort();
    expect(listed).toEqual([...m.workers.values()].flat().sort());
  });
});

describe('verify script', () => {
  const rel = (id: string): string => `${ctx.paths.releases}/${id}`;
  const state = (id: string): string | undefined => {
    const f = `${ctx.paths.state}/release-states/${id}`;
    return existsSync(f) ? readFileSync(f, 'utf8').trim() : undefined;
  };

  test('as many new workers as configured, in the release, and health 200: proven and recorded live', async () => {
    const m = await master([rel(NEW), rel(NEW)]);
    const r = run(verifyScript(ctx, NEW, []), { GD_MAIN_PID: String(m.pid) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(facts(r.stdout)).toMatchObject({ workers: '2', health: '200' });
    expect(state(NEW)).toBe('live');
    const curl = callsOf(r, 'curl')[0]!;
    expect(curl.slice(-3)).toEqual(['--unix-socket', ctx.paths.socket, 'http://localhost/health']);
  });

  test('old workers still finishing their requests are not counted against the release', async () => {
    ctx.settings.deploy.healthTimeoutMs = 5000;
    const m = await master([rel(OLD), rel(NEW), rel(NEW)]);
    const start = Date.now();
    const r = run(verifyScript(ctx, NEW, m.workers.get(rel(OLD))!.map(String)), {
      GD_MAIN_PID: String(m.pid)
    });
    expect(r.code).toBe(0);
    expect(state(NEW)).toBe('live');
    // But the health path is asked only after the grace: until Gunicorn tells them to stop (just
    // after the new ones are forked), old workers take requests, and an old 200 proves nothing.
    expect(Date.now() - start).toBeGreaterThanOrEqual(OLD_WORKERS_GRACE_MS);
    expect(r.stdout).toMatch(/^poll=5$/m);
    expect(callsOf(r, 'curl')).toHaveLength(1);
  });

  test('old workers still there but the master back in its loop (they were told): asked at once', async () => {
    ctx.settings.deploy.healthTimeoutMs = 5000;
    const m = await master([rel(OLD), rel(NEW), rel(NEW)], true);
    const r = run(verifyScript(ctx, NEW, m.workers.get(rel(OLD))!.map(String)), {
      GD_MAIN_PID: String(m.pid)
    });
    expect(r.code).toBe(0);
    expect(state(NEW)).toBe('live');
    // Proven at the first look: no poll line (one every 5 looks; the grace takes 10 or more).
    expect(r.stdout).not.toMatch(/^poll=/m);
    expect(callsOf(r, 'curl')).toHaveLength(1);
  });

  test('old workers gone: the health path is asked at once', async () => {
    const m = await master([rel(NEW), rel(NEW)]);
    const start = Date.now();
    // Listed as old by the switch, but no longer the master's child: it has exited.
    const r = run(verifyScript(ctx, NEW, ['999999']), { GD_MAIN_PID: String(m.pid) });
    expect(r.code).toBe(0);
    expect(Date.now() - start).toBeLessThan(OLD_WORKERS_GRACE_MS);
  });

  test('a worker serving the old release: not proven, the reason names it, nothing recorded', async () => {
    const m = await master([rel(OLD), rel(NEW)]);
    const r = run(verifyScript(ctx, NEW, []), { GD_MAIN_PID: String(m.pid) });
    expect(r.code).toBe(1);
    const old = m.workers.get(rel(OLD))![0]!;
    expect(facts(r.stdout).why).toBe(`worker ${old} serves ${rel(OLD)}, not the new release`);
    expect(state(NEW)).toBeUndefined();
  });

  test('fewer new workers than configured: not proven', async () => {
    const m = await master([rel(NEW)]);
    const r = run(verifyScript(ctx, NEW, []), { GD_MAIN_PID: String(m.pid) });
    expect(r.code).toBe(1);
    expect(facts(r.stdout).why).toBe(`1 of 2 new workers running (master pid ${m.pid})`);
  });

  test('health answering 500: not proven, the answer is quoted', async () => {
    const m = await master([rel(NEW), rel(NEW)]);
    const r = run(verifyScript(ctx, NEW, []), {
      GD_MAIN_PID: String(m.pid),
      GD_CODES: '500',
      GD_BODY: 'boom\ntrace'
    });
    expect(r.code).toBe(1);
    expect(facts(r.stdout).why).toBe('health-path answered 500: boom trace');
    expect(state(NEW)).toBeUndefined();
  });

  test('health-expect missing from a 200: not proven', async () => {
    ctx.settings.deploy.healthExpect = '"status": "ok"';
    const m = await master([rel(NEW), rel(NEW)]);
    const r = run(verifyScript(ctx, NEW, []), {
      GD_MAIN_PID: String(m.pid),
      GD_BODY: '{"status": "starting"}'
    });
    expect(r.code).toBe(1);
    expect(facts(r.stdout).why).toBe(
      'health-path answered 200 without status: ok in: {"status": "starting"}'
    );
    const ok = run(verifyScript(ctx, NEW, []), { GD_MAIN_PID: String(m.pid), GD_BODY: '{"status": "ok"}' });
    expect(ok.code).toBe(0);
  });

  test("after a HUP the switch's master is taken: no systemctl at all in a proven verify", async () => {
    const m = await master([rel(NEW), rel(NEW)]);
    // Sent with the switch: read from what it wrote.
    writeFileSync(ctx.paths.lastSwitch, `old_workers=\nmaster=${m.pid}\nreload=hup\n`);
    const saved = run(verifyScript(ctx, NEW, 'saved'), { GD_MAIN_PID: '0' });
    expect(saved.code).toBe(0);
    expect(callsOf(saved, 'systemctl')).toEqual([]);
    // Given by the caller (a rollback's switch).
    const given = run(verifyScript(ctx, NEW, [], String(m.pid)), { GD_MAIN_PID: '0' });
    expect(given.code).toBe(0);
    expect(callsOf(given, 'systemctl')).toEqual([]);
  });

  test('after a start or restart (a new master), or a saved master that is gone: systemd is asked', async () => {
    const m = await master([rel(NEW), rel(NEW)]);
    for (const [reload, pid] of [
      ['restart', m.pid],
      ['start', m.pid],
      ['hup', 999999999]
    ] as const) {
      writeFileSync(ctx.paths.lastSwitch, `old_workers=\nmaster=${pid}\nreload=${reload}\n`);
      const r = run(verifyScript(ctx, NEW, 'saved'), { GD_MAIN_PID: String(m.pid) });
      expect(r.code).toBe(0);
      expect(callsOf(r, 'systemctl')).toEqual([
        ['systemctl', 'show', '-p', 'MainPID', '--value', 'shop.service']
      ]);
    }
  });

  test("the workers count is read from the config's `workers = N` line as awk split it", async () => {
    const m = await master([rel(NEW), rel(NEW), rel(NEW)]);
    const proof = (conf: string): ScriptRun => {
      writeFileSync(ctx.paths.gunicornConf, conf);
      return run(verifyScript(ctx, NEW, []), { GD_MAIN_PID: String(m.pid) });
    };
    // Indented, tabs, a comment after, no newline at the end: 4 asked, 3 running.
    for (const conf of ['bind = "x"\n\t workers\t=  4   # four\n', 'a = 1\nworkers = 4', 'workers = 4\n']) {
      const r = proof(conf);
      expect(facts(r.stdout).why).toBe(`3 of 4 new workers running (master pid ${m.pid})`);
    }
    // Not the line's first word, or no `=` after it, or no config at all: one is enough.
    for (const conf of ['max_workers = 9\nworkers=9\n# workers = 9\n', '']) expect(proof(conf).code).toBe(0);
  });

  test('a failed service ends the wait at once, saying so', () => {
    const start = Date.now();
    const r = run(verifyScript(ctx, NEW, []), { GD_STATE: 'failed' });
    expect(r.code).toBe(1);
    expect(facts(r.stdout).why).toBe('the service is failed');
    expect(Date.now() - start).toBeLessThan(1500);
  });
});

describe('candidate script', () => {
  const rel = (id: string): string => `${ctx.paths.releases}/${id}`;
  const conf = { envFile: '/etc/shop/staged/env', gunicornConf: '/etc/shop/staged/gunicorn.conf.py' };
  const cand = (env: Record<string, string>): ScriptRun & { f: Record<string, string> } => {
    const r = run(candidateScript(ctx, NEW, conf), { GD_ACTIVE: 'yes', ...env });
    return { ...r, f: facts(r.stdout) };
  };
  const unit = (): string => `${candidateUnit(ctx)}.service`;

  test('boots the release as the service would, on a private socket, and is always stopped', () => {
    const r = cand({});
    expect(r.code).toBe(0);
    expect(r.f.candidate).toBe('ok');
    const boot = callsOf(r, 'systemd-run')[0]!;
    expect(boot).toEqual(
      expect.arrayContaining([
        'User=shop',
        `EnvironmentFile=${conf.envFile}`,
        `WorkingDirectory=${rel(NEW)}`,
        `${rel(NEW)}/.venv/bin/python`,
        conf.gunicornConf,
        'app:app'
      ])
    );
    expect(boot.slice(boot.indexOf('--chdir'), boot.indexOf('--chdir') + 2)).toEqual(['--chdir', rel(NEW)]);
    // Stopped before (a leftover of a killed run, waited for) and after: once proven, in the
    // background, so its Gunicorn's shutdown is not on the deploy's path (issue 13).
    const stops = callsOf(r, 'systemctl').filter((c) => c[1] === 'stop');
    expect(stops).toEqual([
      ['systemctl', 'stop', unit()],
      ['systemctl', 'stop', '--no-block', unit()]
    ]);
  });

  test('an app that answers 503 while it warms up, then 200: accepted', () => {
    const r = cand({ GD_CODES: '503 503 200' });
    expect(r.f.candidate).toBe('ok');
  });

  test('a definite wrong answer is refused after the grace, with its status and body', () => {
    ctx.settings.deploy.healthTimeoutMs = 30_000;
    const start = Date.now();
    const r = cand({ GD_CODES: '500', GD_BODY: 'Internal Server Error' });
    expect(r.code).toBe(0);
    expect(r.f).toMatchObject({ candidate: 'refused', status: '500', why: '/health answered 500' });
    expect(r.stdout).toContain('--- body\nInternal Server Error');
    // Not at the first wrong answer (an app may be warming up), and not waited out to health-timeout.
    expect(Date.now() - start).toBeGreaterThanOrEqual(GRACE_MS);
    expect(Date.now() - start).toBeLessThan(10_000);
    // Refused: stopped (waited for) before the step answers, after its log was read.
    const stops = callsOf(r, 'systemctl').filter((c) => c[1] === 'stop');
    expect(stops).toEqual([
      ['systemctl', 'stop', unit()],
      ['systemctl', 'stop', unit()]
    ]);
  });

  test('a smoke path that fails is refused, naming it', () => {
    ctx.settings.deploy.healthTimeoutMs = 30_000;
    ctx.settings.deploy.smokePaths = ['/', '/cart'];
    const r = cand({ GD_ROUTES: '/health=200 /=200 /cart=404' });
    expect(r.f).toMatchObject({ candidate: 'refused', why: '/cart answered 404' });
    expect(callsOf(r, 'curl').map((c) => c.at(-1))).toContain('http://localhost/cart');
  });

  test('Gunicorn gone before it served: refused at once', () => {
    const r = cand({ GD_ACTIVE: 'no' });
    expect(r.f).toMatchObject({ candidate: 'refused', why: 'Gunicorn exited before it served' });
    expect(callsOf(r, 'curl')).toEqual([]);
  });

  test('as the import check: a Gunicorn gone before its worker imported the app is an import failure', () => {
    const r = run(candidateScript(ctx, NEW, conf, true), { GD_ACTIVE: 'no' });
    expect(facts(r.stdout)).toMatchObject({ import: 'failed', candidate: 'refused' });
    const boot = callsOf(r, 'systemd-run')[0]!;
    // Our hook around Gunicorn's own entry point, not `-m gunicorn`; the same config and app.
    expect(boot.slice(boot.indexOf('-c'), boot.indexOf('-c') + 2)[1]).toMatch(/post_worker_init/);
    expect(boot).toEqual(expect.arrayContaining([conf.gunicornConf, 'app:app']));
    // Without the import check, the candidate says nothing about it.
    expect(facts(run(candidateScript(ctx, NEW, conf), { GD_ACTIVE: 'no' }).stdout).import).toBeUndefined();
  });

  test('nothing answering: waits up to health-timeout, then says so', () => {
    const r = cand({ GD_CODES: '000' });
    expect(r.f).toMatchObject({
      candidate: 'refused',
      status: '000',
      why: '/health did not answer within 1 s'
    });
  });
});

describe('values that break out of wrong quoting', () => {
  // Quotes, $(...), backticks, ;, a glob, spaces: `pwned` runs if any of them escapes.
  const evil = `we'ird "q" $(pwned 1) \`pwned 2\` ;pwned 3 *`;

  test('history lines hold any text verbatim: server output in a reason, a newline included', () => {
    const why = `health-path answered 500: ${evil}\n' >> /etc/passwd`;
    const r = run(historyCommand(ctx, { event: 'deploy', release: NEW, status: 'rolled-back', why }));
    expect(r.code).toBe(0);
    expect(callsOf(r, 'pwned')).toEqual([]);
    const lines = readFileSync(ctx.paths.history, 'utf8')
      .split('\n')
      .filter((l) => l);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ why, release: NEW });
  });

  test('switch, proof and candidate with such an app-name and app-dir', async () => {
    ctx = makeCtx(`shop ${evil}`, `srv/my app ${evil}`);
    const rel = `${ctx.paths.releases}/${NEW}`;
    const sw = run(switchScript(ctx, NEW, false), { GD_ACTIVE: 'yes' });
    expect(sw.stderr).toBe('');
    expect(readlinkSync(ctx.paths.current)).toBe(`releases/${NEW}`);
    expect(callsOf(sw, 'systemctl').at(-1)).toEqual(['systemctl', 'reload', `shop ${evil}.service`]);

    const m = await master([rel, rel]);
    const proof = run(verifyScript(ctx, NEW, []), { GD_MAIN_PID: String(m.pid) });
    expect(proof.code).toBe(0);
    expect(callsOf(proof, 'curl')[0]!.slice(-2)).toEqual([ctx.paths.socket, 'http://localhost/health']);
    expect(readFileSync(`${ctx.paths.state}/release-states/${NEW}`, 'utf8')).toBe('live\n');

    const conf = {
      envFile: `/etc/shop ${evil}/staged/env`,
      gunicornConf: `/etc/shop ${evil}/staged/gunicorn.conf.py`
    };
    const c = run(candidateScript(ctx, NEW, conf), { GD_ACTIVE: 'yes' });
    expect(facts(c.stdout).candidate).toBe('ok');
    expect(callsOf(c, 'systemd-run')[0]).toEqual(
      expect.arrayContaining([
        `User=shop ${evil}`,
        `EnvironmentFile=${conf.envFile}`,
        `WorkingDirectory=${rel}`,
        conf.gunicornConf
      ])
    );
    for (const r of [sw, proof, c]) expect(callsOf(r, 'pwned')).toEqual([]);
  });
});
