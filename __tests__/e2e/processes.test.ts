import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, inputsFor, onServer, testLogger } from '../support/deploy.js';
import { readFile } from 'node:fs/promises';
import { parseSettings } from '../../src/settings.js';
import { rollBackUnproven } from '../../src/entry/post.js';

// Processes from a Procfile: an RQ worker (Debian's python3-rq, redis-server) moved onto each new
// release after the web is proven, rolled back with it, removed with the Procfile line.
let server: SandboxServer;
let app: string;

const REDIS = { env: 'REDIS_URL=redis://127.0.0.1:6379/0' };
const WORKER = 'worker: rq worker --url "$REDIS_URL" jobs';
const TASKS = `import os, time


def slow(seconds, path):
    """Holds on until the web has switched away from this release (the worker's restart is next),
    then takes \`seconds\` more and says which release ran it: in hand when the worker is told to stop."""
    here = os.getcwd()
    end = time.time() + 300
    while os.path.realpath("/srv/shop/current") == here and time.time() < end:
        time.sleep(0.1)
    time.sleep(seconds)
    with open(path, "w") as f:
        f.write(here)
`;

async function procfile(lines: string[]): Promise<void> {
  await writeFile(path.join(app, 'Procfile'), ['web: gunicorn app:app', ...lines].join('\n') + '\n');
}

async function codeChange(): Promise<void> {
  await editFile(app, 'app.py', (t) => `${t}\n# change ${Date.now()}\n`);
}

/** Main PID and working folder of an instance, '' when it does not run. */
async function unitProcess(unit: string): Promise<{ pid: string; cwd: string; state: string }> {
  const out = await onServer(
    server,
    `pid=$(systemctl show -p MainPID --value ${unit}); echo "$pid"; readlink /proc/$pid/cwd || echo; systemctl is-active ${unit} || true`
  );
  const [pid, cwd, state] = out.split('\n');
  return { pid: pid!, cwd: cwd ?? '', state: state ?? '' };
}

beforeAll(async () => {
  server = await bootServer();
  // Installed but disabled in the image; provision's `services: redis` is tested on its own.
  await onServer(server, 'systemctl enable --now redis-server >/dev/null 2>&1; redis-cli ping');
  app = await appCopy();
  await writeFile(path.join(app, 'tasks.py'), TASKS);
}, 300_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('a Procfile worker deploys, moves to each new release (warm shutdown), goes back with a failed one and with mode rollback, and is removed with its line', async () => {
  // 1. First deploy: the worker and a second process start on the release.
  await procfile([WORKER, "other=2: sleep 1000; echo 'not reached'"]);
  const first = await deploy(server, app, REDIS);
  expect(first.report.error).toBeUndefined();
  const r1 = first.report.hosts[0]!.facts.release!;
  expect(first.report.hosts[0]!.facts.processes).toBe(`worker x1 @ ${r1} running, other x2 @ ${r1} running`);
  expect(first.report.hosts[0]!.steps.map((s) => s.name)).toContain('processes');
  const w1 = await unitProcess('shop-worker@1.service');
  expect(w1).toEqual({
    pid: expect.stringMatching(/^[1-9]\d*$/),
    cwd: `/srv/shop/releases/${r1}`,
    state: 'active'
  });
  expect(await onServer(server, 'ps -o user= -p $(systemctl show -p MainPID --value shop-worker@1)')).toBe(
    'shop\n'
  );
  expect((await unitProcess('shop-other@2.service')).state).toBe('active');

  // 2. A code-only deploy with a 5 s job in hand when the worker is restarted (the job waits for the
  // web's switch): the old worker finishes it (warm shutdown), then the new one runs.
  await codeChange();
  await onServer(
    server,
    `cd /tmp && python3 -c "from redis import Redis; from rq import Queue; print(Queue('jobs', connection=Redis()).enqueue('tasks.slow', 5, '/srv/shop/shared/instance/done-1').id)"`
  );
  const second = await deploy(server, app, REDIS);
  expect(second.report.error).toBeUndefined();
  const r2 = second.report.hosts[0]!.facts.release!;
  expect(r2).not.toBe(r1);
  const w2 = await unitProcess('shop-worker@1.service');
  expect(w2.state).toBe('active');
  expect(w2.pid).not.toBe(w1.pid);
  expect(w2.cwd).toBe(`/srv/shop/releases/${r2}`);
  // The job was taken by the old worker and finished by it: warm shutdown, nothing lost.
  expect(await onServer(server, 'cat /srv/shop/shared/instance/done-1')).toBe(`/srv/shop/releases/${r1}`);

  // 3. A worker that exits at start on the new release: everything goes back to r2.
  await procfile([
    'worker: python -c \'import sys; sys.exit("broken worker")\'',
    'other=2: sleep 1000; true'
  ]);
  const broken = await deploy(server, app, REDIS);
  expect(broken.report.ok).toBe(false);
  expect(broken.report.error).toMatch(/process shop-worker@1\.service did not stay up 3 s/);
  expect(broken.report.error).toMatch(/broken worker/);
  expect(broken.report.hosts[0]!.facts['rolled-back']).toBe('true');
  expect(broken.report.hosts[0]!.facts.release).toBe(r2);
  expect(await onServer(server, 'readlink /srv/shop/current')).toBe(`releases/${r2}\n`);
  const w3 = await unitProcess('shop-worker@1.service');
  expect(w3).toMatchObject({ cwd: `/srv/shop/releases/${r2}`, state: 'active' });
  expect(await onServer(server, 'grep ExecStart /etc/systemd/system/shop-worker@.service')).toContain(
    'rq worker'
  );

  // 4. `other` removed from the Procfile: stopped, its instances disabled, its unit gone.
  await procfile([WORKER]);
  const fourth = await deploy(server, app, REDIS);
  expect(fourth.report.error).toBeUndefined();
  const r4 = fourth.report.hosts[0]!.facts.release!;
  expect(await onServer(server, 'ls /etc/systemd/system | grep "^shop-" | grep @ || true')).toBe(
    'shop-worker@.service\n'
  );
  expect((await unitProcess('shop-other@1.service')).state).toBe('inactive');
  expect(await onServer(server, 'pgrep -u shop -f "^sleep 1000" || echo none')).toBe('none\n');

  // 5. No processes left in the Procfile: the worker goes too (with the deploy's tidy).
  await procfile([]);
  const fifth = await deploy(server, app, REDIS);
  expect(fifth.report.error).toBeUndefined();
  expect(await onServer(server, 'ls /etc/systemd/system | grep "^shop-" | grep @ || true')).toBe('');
  expect((await unitProcess('shop-worker@1.service')).state).toBe('inactive');

  // 6. mode rollback to r4 brings its worker back, on r4.
  const back = await deploy(server, app, { ...REDIS, mode: 'rollback' });
  expect(back.report.error).toBeUndefined();
  expect(back.report.hosts[0]!.facts.release).toBe(r4);
  const w6 = await unitProcess('shop-worker@1.service');
  expect(w6).toMatchObject({ cwd: `/srv/shop/releases/${r4}`, state: 'active' });
}, 900_000);

test('Celery (Debian python3-celery, Redis broker): worker and beat as two processes, ticking in the new release', async () => {
  const celery = await appCopy();
  await writeFile(
    path.join(celery, 'celeryapp.py'),
    `import os

from celery import Celery

app = Celery("celeryapp", broker=os.environ["REDIS_URL"])
app.conf.broker_connection_retry_on_startup = True
app.conf.beat_schedule = {"tick": {"task": "celeryapp.tick", "schedule": 1.0}}


@app.task
def tick():
    with open("/srv/shop/shared/instance/ticks", "a") as f:
        f.write(os.getcwd() + "\\n")
`
  );
  await writeFile(
    path.join(celery, 'Procfile'),
    [
      'web: gunicorn app:app',
      'worker: python -m celery -A celeryapp worker --loglevel=info --concurrency=1',
      'beat: python -m celery -A celeryapp beat --loglevel=info --schedule /srv/shop/shared/instance/celerybeat-schedule',
      ''
    ].join('\n')
  );
  const { report } = await deploy(server, celery, REDIS);
  expect(report.error).toBeUndefined();
  const release = report.hosts[0]!.facts.release!;
  expect(report.hosts[0]!.facts.processes).toBe(
    `worker x1 @ ${release} running, beat x1 @ ${release} running`
  );
  for (const unit of ['shop-worker@1.service', 'shop-beat@1.service'])
    expect(await unitProcess(unit)).toMatchObject({ cwd: `/srv/shop/releases/${release}`, state: 'active' });
  // beat schedules a task every second; the worker runs it, in the release.
  const ticks = await onServer(
    server,
    `for i in $(seq 100); do grep -qx /srv/shop/releases/${release} /srv/shop/shared/instance/ticks 2>/dev/null && break; sleep 0.2; done; grep -cx /srv/shop/releases/${release} /srv/shop/shared/instance/ticks || true`
  );
  expect(Number(ticks)).toBeGreaterThan(0);
}, 300_000);

test('schedules: timers run the command in the serving release, follow a deploy and a rollback, go with their line; a bad one is refused before connecting', async () => {
  const sched = await appCopy();
  const out = '/srv/shop/shared/instance/sched';
  // Every 2 s (AccuracySec=1s), and a cron line that systemd must accept as translated.
  const schedule = `*:*:0/2: pwd >> ${out}\n30 3 * * 1-5: flask --version`;
  await expect(
    deploy(server, sched, { ...REDIS, schedule: 'daily: ok\n*-*-* 25:00: flask x' })
  ).rejects.toThrow(/input `schedule` line 2: .*hour '25'/);

  /** Waits until the schedule has written a line from `release` after `after` lines. */
  async function ranIn(release: string, after: number): Promise<string> {
    return onServer(
      server,
      `for i in $(seq 150); do tail -n +${after + 1} ${out} 2>/dev/null | grep -qx /srv/shop/releases/${release} && break; sleep 0.2; done; tail -n +${after + 1} ${out} | grep -cx /srv/shop/releases/${release} || true`
    );
  }
  const lines = async () => Number(await onServer(server, `cat ${out} 2>/dev/null | wc -l`));

  const first = await deploy(server, sched, { ...REDIS, schedule });
  expect(first.report.error).toBeUndefined();
  const r1 = first.report.hosts[0]!.facts.release!;
  expect(first.report.hosts[0]!.facts.schedules).toMatch(
    /shop-schedule-[0-9a-f]{10}\.timer @ \S+ active, .* active/
  );
  expect(Number(await ranIn(r1, 0))).toBeGreaterThan(0);
  expect(await onServer(server, `stat -c %U ${out}`)).toBe('shop\n');
  // The cron line: systemd took its translation and knows when it next elapses.
  const timers = await onServer(server, 'ls /etc/systemd/system | grep "^shop-schedule-.*\\.timer$"');
  expect(timers.trim().split('\n')).toHaveLength(2);
  expect(
    await onServer(server, 'grep -h "^OnCalendar=" /etc/systemd/system/shop-schedule-*.timer | sort')
  ).toBe('OnCalendar=*:*:0/2\nOnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 03:30:00\n');

  // A code-only deploy: the next runs are in the new release.
  await editFile(sched, 'app.py', (t) => `${t}\n# change ${Date.now()}\n`);
  const second = await deploy(server, sched, { ...REDIS, schedule });
  expect(second.report.error).toBeUndefined();
  const r2 = second.report.hosts[0]!.facts.release!;
  expect(Number(await ranIn(r2, await lines()))).toBeGreaterThan(0);

  // mode rollback: back on r1.
  const back = await deploy(server, sched, { ...REDIS, schedule, mode: 'rollback' });
  expect(back.report.error).toBeUndefined();
  expect(back.report.hosts[0]!.facts.release).toBe(r1);
  expect(Number(await ranIn(r1, await lines()))).toBeGreaterThan(0);

  // The lines removed: timers stopped, units gone, nothing runs any more.
  const gone = await deploy(server, sched, REDIS);
  expect(gone.report.error).toBeUndefined();
  expect(await onServer(server, 'ls /etc/systemd/system | grep "^shop-schedule-" || true')).toBe('');
  const n = await lines();
  await new Promise((r) => setTimeout(r, 4000));
  expect(await lines()).toBe(n);
}, 600_000);

/**
 * For each job that never finished (up to 5): its RQ status, which of RQ's lists holds it (queue,
 * intermediate, started, failed; RQ 2 files abandoned jobs under failed), its error, and the
 * workers' journal around its id; then every job the workers' stop put back.
 */
function lostJobs(marks: string): string {
  return `n=$(cat /tmp/enq-count); sort -u ${marks} > /tmp/enq-done
for m in $(seq 1 "$n" | grep -vxFf /tmp/enq-done | head -n 5); do
  id=$(awk -v m="$m" '$1 == m { print $2 }' /tmp/enq-ids)
  echo "job $m ($id): status $(redis-cli hget "rq:job:$id" status)"
  for k in rq:queue:jobs rq:queue:jobs:intermediate; do redis-cli lrange "$k" 0 -1 | grep -q "$id" && echo "  in list $k"; done
  for k in rq:wip:jobs rq:failed:jobs rq:finished:jobs; do redis-cli zrange "$k" 0 -1 | grep -q "$id" && echo "  in registry $k"; done
  redis-cli hget "rq:job:$id" exc_info | tail -n 3
  journalctl -u 'shop-worker@*' -o short-precise --no-pager | grep -B 3 -A 6 "$id" | head -n 30
done
journalctl -u 'shop-worker@*' -o cat --no-pager | grep -E 'rq: (job|could not)' | head -n 10`;
}

test('no job lost across 5 code-only deploys while jobs keep arriving: every job finished exactly once', async () => {
  const jobs = await appCopy();
  const marks = '/srv/shop/shared/instance/marks';
  await writeFile(
    path.join(jobs, 'tasks.py'),
    `import os, time


def mark(n, path):
    time.sleep(0.05)
    with open(path, "a") as f:
        f.write("%d\\n" % n)
`
  );
  await writeFile(path.join(jobs, 'Procfile'), ['web: gunicorn app:app', WORKER, ''].join('\n'));
  const first = await deploy(server, jobs, REDIS);
  expect(first.report.error).toBeUndefined();
  // Root enqueues a job every 0.1 s until told to stop, and says how many.
  await onServer(
    server,
    `rm -f ${marks} /tmp/enq-stop /tmp/enq-count /tmp/enq-ids; systemctl reset-failed gd-enq 2>/dev/null; systemd-run --quiet --unit=gd-enq --working-directory=/tmp python3 -c "
import os, time
from redis import Redis
from rq import Queue
q = Queue('jobs', connection=Redis())
ids = open('/tmp/enq-ids', 'w')
n = 0
while not os.path.exists('/tmp/enq-stop'):
    n += 1
    ids.write('%d %s\\n' % (n, q.enqueue('tasks.mark', n, '${marks}').id))
    ids.flush()
    time.sleep(0.1)
open('/tmp/enq-count', 'w').write(str(n))
"`
  );
  for (let i = 0; i < 5; i++) {
    await editFile(jobs, 'app.py', (t) => `${t}\n# change ${Date.now()}\n`);
    const d = await deploy(server, jobs, REDIS);
    expect(d.report.error).toBeUndefined();
  }
  const count = await onServer(
    server,
    `touch /tmp/enq-stop; for i in $(seq 100); do [ -s /tmp/enq-count ] && break; sleep 0.1; done; n=$(cat /tmp/enq-count)
# Until all are in, or 20 s pass with none more: a loaded server drains a backlog slowly (late is
# not lost), while a lost job never comes.
seen=0; still=0
while [ "$still" -lt 100 ]; do c=$(sort -u ${marks} | wc -l); [ "$c" -ge "$n" ] && break; if [ "$c" -gt "$seen" ]; then seen=$c; still=0; else still=$((still + 1)); fi; sleep 0.2; done
echo "$n $(wc -l < ${marks}) $(sort -u ${marks} | wc -l) $(sort -n ${marks} | tail -n 1)"`
  );
  const [enqueued, done, distinct, last] = count.trim().split(' ').map(Number);
  expect(enqueued).toBeGreaterThan(100);
  // Every job 1..N finished, none twice; a lost job says where RQ left it and what its workers logged.
  const lost = distinct === enqueued ? '' : await onServer(server, lostJobs(marks));
  expect({ done, distinct, last, lost }).toEqual({
    done: enqueued,
    distinct: enqueued,
    last: enqueued,
    lost: ''
  });
}, 600_000);

test('a run killed while moving the processes: the post step puts the worker back with the web', async () => {
  await procfile([WORKER]);
  const first = await deploy(server, app, REDIS);
  expect(first.report.error).toBeUndefined();
  const r1 = first.report.hosts[0]!.facts.release!;
  await codeChange();
  const second = await deploy(server, app, REDIS);
  expect(second.report.error).toBeUndefined();
  const r2 = second.report.hosts[0]!.facts.release!;
  expect((await unitProcess('shop-worker@1.service')).cwd).toBe(`/srv/shop/releases/${r2}`);
  // What the main step of a run killed in its `processes` step left for the post step: r2 live,
  // not proven, its processes on the way to it.
  const key = await readFile(server.privateKeyPath, 'utf8');
  const inputs: Record<string, string> = { 'private-key': key, ...inputsFor(server, app, REDIS) };
  const settings = parseSettings((n) => inputs[n] ?? '');
  const saved = { host: server.host, phase: 'switched' as const, release: r2, previous: r1, processes: true };
  await rollBackUnproven(settings, [saved], testLogger(), `killed-${process.pid}-post`);
  expect((await onServer(server, 'readlink /srv/shop/current')).trim()).toBe(`releases/${r1}`);
  const w = await unitProcess('shop-worker@1.service');
  expect(w).toEqual({
    pid: expect.stringMatching(/^[1-9]\d*$/),
    cwd: `/srv/shop/releases/${r1}`,
    state: 'active'
  });
});
