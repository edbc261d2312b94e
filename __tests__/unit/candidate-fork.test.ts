import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { candidateForkScript } from '../../src/steps/candidate.js';
import { scriptContext } from '../support/script-context.js';

// templates/scripts/candidate_fork.sh under bash, with root's notes in this test's folder and a
// real process for the master: its one worker is forked (SIGTTIN) once, by the backup as soon as
// its snapshot is made when a warm master of this release is noted, or by the check otherwise.
const REL = '20261207T120000Z-abc1234';
const UNIT = 'gunicorn-deploy-candidate-shop';

let dir: string;
let master: ChildProcess;
let ttins: number;
let server: Server | undefined;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gd-fork-'));
  mkdirSync(path.join(dir, UNIT));
  ttins = 0;
  // A stand-in master: counts the SIGTTINs it gets.
  master = spawn(
    process.execPath,
    ['-e', "process.on('SIGTTIN', () => console.log('ttin')); setInterval(() => {}, 1000)"],
    {
      stdio: ['ignore', 'pipe', 'ignore']
    }
  );
  master.stdout!.on('data', (c: Buffer) => (ttins += (c.toString().match(/ttin/g) ?? []).length));
  inCgroup(`/system.slice/${UNIT}.service`);
  await new Promise((r) => setTimeout(r, 300));
});

/** The stand-in master's cgroup, as /proc/PID/cgroup would say it. */
function inCgroup(where: string): void {
  mkdirSync(path.join(dir, 'proc', String(master.pid)), { recursive: true });
  writeFileSync(
    path.join(dir, 'proc', String(master.pid), 'cgroup'),
    `1:name=systemd:${where}\n0::${where}\n`
  );
}
afterEach(async () => {
  master.kill('SIGKILL');
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const note = (name: string): string => path.join(dir, `${UNIT}.${name}`);
const listen = (): Promise<void> =>
  new Promise((r) => {
    server = createServer();
    server.listen(path.join(dir, UNIT, 'gunicorn.sock'), () => r());
  });

/** Runs `calls` after candidate_fork.sh's functions; their exits, one a line. */
function run(calls: string): string {
  // /proc/PID/cgroup from this test's folder: the stand-in master is no unit's process here.
  const script = candidateForkScript(scriptContext(), REL)
    .replaceAll("'/run/", `'${dir}/`)
    .replaceAll('"/proc/$1/cgroup"', `"${dir}/proc/$1/cgroup"`);
  const r = spawnSync('bash', ['-c', `set -euo pipefail\n${script}\n${calls}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !check();)
    await new Promise((r) => setTimeout(r, 20));
}

test('the check forks the worker once it listens, and only once', async () => {
  expect(run(`fork_worker ${master.pid} && echo sent || echo not`)).toBe('not\n');
  await listen();
  expect(
    run(
      `fork_worker ${master.pid} && echo sent || echo not; fork_worker ${master.pid} && echo sent || echo not`
    )
  ).toBe('sent\nnot\n');
  await until(() => ttins > 0);
  await new Promise((r) => setTimeout(r, 100));
  expect(ttins).toBe(1);
});

test("the backup's snapshot forks a noted warm master's worker, waiting for its socket; the check then does not", async () => {
  writeFileSync(note('early'), `release=${REL}\nmain=${master.pid}\ninvocation=abc\nbooted=0\n`);
  run('snapshot_made');
  // Not listening yet: the backup's fork waits for it, and says so to the check.
  expect(existsSync(note('forked.pending'))).toBe(true);
  expect(run(`[ -e ${note('forked.pending')} ] && echo leaves-it`)).toBe('leaves-it\n');
  await new Promise((r) => setTimeout(r, 150));
  expect(ttins).toBe(0);
  await listen();
  await until(() => ttins > 0 && !existsSync(note('forked.pending')));
  expect(ttins).toBe(1);
  expect(existsSync(note('forked'))).toBe(true);
  expect(run(`fork_worker ${master.pid} && echo sent || echo not`)).toBe('not\n');
  await new Promise((r) => setTimeout(r, 100));
  expect(ttins).toBe(1);
});

test.each([
  ['another release', `release=other\nmain=PID\nbooted=0\n`],
  ['a master not booted (yet)', `release=${REL}\nmain=PID\n`],
  ['a cold boot (no PID noted)', `release=${REL}\nbooted=0\n`],
  ['a failed boot', `release=${REL}\nmain=PID\nbooted=1\n`]
])('no fork at the snapshot for %s', async (_what, marker) => {
  await listen();
  writeFileSync(note('early'), marker.replace('PID', String(master.pid)));
  run('snapshot_made');
  await new Promise((r) => setTimeout(r, 200));
  expect(existsSync(note('forked.pending'))).toBe(false);
  expect(existsSync(note('forked'))).toBe(false);
  expect(ttins).toBe(0);
});

test('a master gone before it listens ends the wait, and nothing is forked', async () => {
  writeFileSync(note('early'), `release=${REL}\nmain=${master.pid}\nbooted=0\n`);
  run('snapshot_made');
  master.kill('SIGKILL');
  await until(() => !existsSync(note('forked.pending')));
  expect(existsSync(note('forked.pending'))).toBe(false);
  expect(existsSync(note('forked'))).toBe(false);
});

test("a noted PID that another process took (not the unit's) is never signalled", async () => {
  inCgroup('/system.slice/cron.service');
  await listen();
  writeFileSync(note('early'), `release=${REL}\nmain=${master.pid}\nbooted=0\n`);
  expect(run(`fork_worker ${master.pid} && echo sent || echo not`)).toBe('not\n');
  run('snapshot_made');
  await new Promise((r) => setTimeout(r, 300));
  expect(ttins).toBe(0);
  expect(existsSync(note('forked'))).toBe(false);
});
