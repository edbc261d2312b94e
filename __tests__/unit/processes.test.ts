import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { parseProcfile, isGunicornCommand } from '../../src/processes/procfile.js';
import { execWord, renderProcessUnit } from '../../src/processes/units.js';
import { rqStopCommand, rqStopPost, rqWorkerArgs } from '../../src/processes/rq.js';
import { spawn, spawnSync } from 'node:child_process';
import { layoutFor } from '../../src/deploy/paths.js';
import { rememberedOf } from '../../src/deploy/remembered.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string>) {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function problems(over: Record<string, string>): string[] {
  try {
    settings(over);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

describe('Procfile', () => {
  test('web, release, rollback and processes; comments, blank lines and NAME=N', () => {
    const p = parseProcfile(
      [
        '# the tutorial app',
        'web: gunicorn -b :$PORT microblog:app',
        '',
        'worker: rq worker microblog-tasks',
        'beat=1: celery -A proj beat',
        'mail=3 : python -m mailer --queue "a b"',
        'release: flask db upgrade',
        'rollback: flask db downgrade'
      ].join('\r\n'),
      'Procfile'
    );
    expect(p.problems).toEqual([]);
    expect(p.web).toBe('gunicorn -b :$PORT microblog:app');
    expect(p.release).toBe('flask db upgrade');
    expect(p.rollback).toBe('flask db downgrade');
    expect(p.processes).toEqual([
      { name: 'worker', command: 'rq worker microblog-tasks', instances: 1 },
      { name: 'beat', command: 'celery -A proj beat', instances: 1 },
      { name: 'mail', command: 'python -m mailer --queue "a b"', instances: 3 }
    ]);
  });

  test('every bad line is named, with what is wrong', () => {
    const p = parseProcfile(
      [
        'worker rq worker',
        'Worker: rq worker',
        'health: x',
        'worker: rq worker',
        'worker: again',
        'empty:',
        'many=99: x',
        'release=2: x',
        'schedule-x: y'
      ].join('\n'),
      'input `processes`'
    );
    expect(p.problems).toEqual([
      "input `processes` line 1: 'worker rq worker' is not NAME: COMMAND",
      "input `processes` line 2: process name 'Worker' must be a lowercase letter, then up to 29 lowercase letters, digits or -",
      "input `processes` line 3: process name 'health' is reserved (a unit of this tool would share its name); choose another",
      "input `processes` line 5: 'worker' is defined twice",
      "input `processes` line 6: 'empty' has no command after the colon",
      "input `processes` line 7: 'many=99' must run 1 to 32 instances",
      "input `processes` line 8: 'release' runs once; =N is for processes",
      "input `processes` line 9: process name 'schedule-x' is reserved (a unit of this tool would share its name); choose another"
    ]);
    expect(p.processes.map((x) => x.name)).toEqual(['worker']);
  });

  test('Gunicorn is recognised in the usual spellings', () => {
    for (const c of ['gunicorn app:app', 'python -m gunicorn app:app', '/srv/x/.venv/bin/gunicorn -w 3 a:b'])
      expect(isGunicornCommand(c)).toBe(true);
    for (const c of ['uvicorn app:app', 'waitress-serve app:app', 'python gunicorn_helper.py'])
      expect(isGunicornCommand(c)).toBe(false);
  });
});

describe('process settings', () => {
  test('the input wins over the Procfile; process-instances scales; the Procfile release is the release phase', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-procfile-'));
    await writeFile(
      path.join(dir, 'Procfile'),
      'web: uvicorn app:app\nworker: rq worker\nrelease: flask db upgrade\n'
    );
    const s = settings({ source: dir, 'process-instances': 'worker=2' });
    expect(s.processes.processes).toEqual([{ name: 'worker', command: 'rq worker', instances: 2 }]);
    expect(s.processes.origin).toBe('Procfile');
    expect(s.processes.releaseCommand).toBe('flask db upgrade');
    expect(s.processes.webNotice).toMatch(/'web: uvicorn app:app' is not a Gunicorn command/);
    expect(s.processes.stopTimeoutMs).toBe(30_000);
    expect(s.processes.settleMs).toBe(3000);
    const i = settings({
      source: dir,
      processes: 'other: python other.py',
      'release-command': 'make migrate'
    });
    expect(i.processes.processes).toEqual([{ name: 'other', command: 'python other.py', instances: 1 }]);
    expect(i.processes.releaseCommand).toBe('make migrate');
    // Modes that do not deploy from the source do not read it.
    expect(settings({ source: dir, mode: 'verify' }).processes.processes).toEqual([]);
  });

  test("the Procfile's rollback: is the rollback-command, remembered with the release; the input wins, said once", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-procfile-'));
    await writeFile(
      path.join(dir, 'Procfile'),
      'release: flask db upgrade\nrollback: flask db downgrade abc123\n'
    );
    const s = settings({ source: dir });
    expect(s.deploy.rollbackCommand).toBe('flask db downgrade abc123');
    expect(rememberedOf(s)['rollback-command']).toBe('flask db downgrade abc123');
    expect(s.processes.procfileNotices).toEqual([]);
    const i = settings({ source: dir, 'rollback-command': 'make down', 'release-command': 'make up' });
    expect(i.deploy.rollbackCommand).toBe('make down');
    expect(i.processes.releaseCommand).toBe('make up');
    expect(i.processes.procfileNotices).toEqual([
      "input `release-command` wins over 'release: flask db upgrade' in Procfile",
      "input `rollback-command` wins over 'rollback: flask db downgrade abc123' in Procfile"
    ]);
    // A mode that deploys nothing reads no Procfile: the input alone.
    expect(settings({ source: dir, mode: 'rollback' }).deploy.rollbackCommand).toBe('');
  });

  test('bad input is refused before any connection, naming the line or the input', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-procfile-'));
    await writeFile(path.join(dir, 'Procfile'), 'web: gunicorn a:b\nworker rq worker\n');
    expect(problems({ source: dir })).toEqual(["Procfile line 2: 'worker rq worker' is not NAME: COMMAND"]);
    expect(problems({ processes: 'w: x', 'process-instances': 'v=2 w=0', 'stop-timeout': '2h' })).toEqual([
      "input `process-instances`: 'v' is not a process of input `processes`",
      "input `process-instances`: 'w=0' must be NAME=N, N from 1 to 32",
      "input `stop-timeout`: must be at most 1h, got '2h'"
    ]);
    const linked = await mkdtemp(path.join(os.tmpdir(), 'gd-procfile-'));
    await symlink('/etc/passwd', path.join(linked, 'Procfile'));
    expect(problems({ source: linked })[0]).toMatch(/^Procfile: .* must be a regular file/);
  });
});

describe('process units', () => {
  test('the command reaches bash as written: quotes, backslashes, $ and % escaped for systemd', () => {
    expect(execWord(`rq worker "$QUEUE" 'a b' \\n 100%`)).toBe(`"rq worker \\"$$QUEUE\\" 'a b' \\\\n 100%%"`);
  });

  test('the unit runs in the release, as the app, hardened, SIGTERM to the main process only', () => {
    const unit = renderProcessUnit(
      layoutFor('shop', '/srv/shop'),
      { name: 'worker', command: 'rq worker $Q', instances: 2 },
      { release: '20261207T040000Z-abc1234', origin: 'Procfile', stopTimeoutMs: 30_000 }
    );
    for (const line of [
      'User=shop',
      'WorkingDirectory=/srv/shop/releases/20261207T040000Z-abc1234',
      'EnvironmentFile=/etc/shop/env',
      'ExecStart=/bin/bash -c "rq worker $$Q"',
      'KillMode=mixed',
      'TimeoutStopSec=30',
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'ProtectSystem=full',
      'PrivateTmp=yes'
    ])
      expect(unit).toContain(`\n${line}\n`);
    expect(unit).toMatch(/PATH=\/srv\/shop\/releases\/20261207T040000Z-abc1234\/\.venv\/bin:/);
    expect(() =>
      renderProcessUnit(
        layoutFor('shop', '/srv/shop'),
        { name: 'worker', command: 'x\ny', instances: 1 },
        { release: 'r', origin: 'Procfile', stopTimeoutMs: 1000 }
      )
    ).toThrow(/one line/);
  });

  test('an RQ worker gets a stop command that puts back a job it took but never started; nothing else does', () => {
    expect(rqWorkerArgs('rq worker --url "$REDIS_URL" jobs')).toBe('--url "$REDIS_URL" jobs');
    expect(rqWorkerArgs('exec /srv/x/.venv/bin/rq worker')).toBe('');
    for (const other of [
      'rq worker-pool jobs',
      'celery -A x worker',
      'sleep 1; rq worker',
      'python -m rq worker'
    ])
      expect(rqWorkerArgs(other)).toBeUndefined();
    expect(rqStopPost('celery worker', '/p.py')).toBe('');
    expect(rqStopPost('rq worker -u "$REDIS_URL" high low', '/etc/shop/processes/rq-requeue.py')).toBe(
      `r=$(command -v rq) || exit 0; exec $(sed -n '1s/^#! *//p' "$r") /etc/shop/processes/rq-requeue.py -u "$REDIS_URL" high low`
    );
    const layout = layoutFor('shop', '/srv/shop');
    const opts = { release: '20261207T040000Z-abc1234', origin: 'Procfile', stopTimeoutMs: 30_000 };
    const rq = renderProcessUnit(layout, { name: 'worker', command: 'rq worker jobs', instances: 1 }, opts);
    expect(rq).toMatch(/\nExecStopPost=-\/bin\/bash -c ".*\/etc\/shop\/processes\/rq-requeue\.py jobs"\n/);
    const beat = renderProcessUnit(layout, { name: 'beat', command: 'celery beat', instances: 1 }, opts);
    expect(beat).not.toContain('ExecStopPost');
  });

  test("an RQ worker's stop sends SIGTERM again, between jobs, to a worker that missed it, and kills it at stop-timeout", async () => {
    expect(rqStopCommand('celery worker', 30)).toBe('');
    const stop = rqStopCommand('rq worker jobs', 4);
    expect(stop).not.toMatch(/\n/);
    expect(spawnSync('bash', ['-n', '-c', stop]).status).toBe(0);
    // A worker that ignores its first SIGTERM (as RQ does when the signal lands where an exception
    // is swallowed) and goes on forking a child per job; `deaf` ignores every SIGTERM.
    const worker = (deaf: boolean) =>
      spawn('python3', [
        '-c',
        `import os, signal, sys, time
n = [0]
def h(s, f):
    n[0] += 1
    if n[0] >= 2 and not ${deaf ? 'True' : 'False'}: sys.exit(0)
signal.signal(signal.SIGTERM, h)
print("up", flush=True)
while True:
    pid = os.fork()
    if pid == 0:
        time.sleep(0.05); os._exit(0)
    os.waitpid(pid, 0)
    time.sleep(0.01)`
      ]);
    // The control: a worker that heeds its SIGTERM and finishes the job in hand (a 1.5 s child) first.
    const heeds = () =>
      spawn('python3', [
        '-c',
        `import os, signal, sys, time
stop = [False]
signal.signal(signal.SIGTERM, lambda s, f: stop.__setitem__(0, True))
pid = os.fork()
if pid == 0:
    time.sleep(1.5); os._exit(7)
print("up", flush=True)
_, status = os.waitpid(pid, 0)
print("job", os.waitstatus_to_exitcode(status), flush=True)
while not stop[0]: time.sleep(0.05)`
      ]);
    const run = async (deaf: boolean | 'heeds') => {
      const w = deaf === 'heeds' ? heeds() : worker(deaf);
      await new Promise((r) => w.stdout.once('data', r));
      const exited = new Promise<NodeJS.Signals | null>((r) => w.once('exit', (_c, sig) => r(sig)));
      const out = spawnSync('bash', ['-c', stop], { env: { ...process.env, MAINPID: String(w.pid) } });
      return { said: out.stdout.toString(), signal: await exited };
    };
    const [missed, deaf] = await Promise.all([run(false), run(true)]);
    const control = await run('heeds');
    expect(control).toEqual({ said: '', signal: null });
    expect(missed).toEqual({
      said: expect.stringMatching(/^rq: the worker missed its SIGTERM/),
      signal: null
    });
    expect(deaf.signal).toBe('SIGKILL');
  }, 30_000);
});
