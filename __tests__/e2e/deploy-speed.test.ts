import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { hostLine } from '../../src/report.js';
import { shQuote } from '../../src/ssh/quote.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer } from '../support/deploy.js';

// Issue 13: a code-only deploy is made of requests, not of sudo sessions. Root commands share one
// privileged shell per connection (one `sudo` for all of them) and the summary line says how many
// round trips the run made. Counts, never times: the bench measures time.
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
});
afterAll(async () => {
  if (app) await rm(app, { recursive: true, force: true });
  if (server) await stopServer(server);
});

/** Commands sudo ran for the login user since `since` (epoch seconds), as sudo logged them. */
async function sudoCommands(since: string): Promise<string[]> {
  const out = await onServer(
    server,
    `journalctl --no-pager -q -o cat _COMM=sudo --since=@${since} | grep -o 'COMMAND=.*' | cut -c1-80 || true`
  );
  // The test's own look-ups (onServer runs `sudo -n bash -c`) are not the deploy's.
  return out.split('\n').filter((l) => l !== '' && !l.includes('journalctl'));
}

test('a code-only deploy runs its root commands in one sudo session and reports its round trips', async () => {
  const first = await deploy(server, app);
  expect(first.report.error).toBeUndefined();

  await writeFile(path.join(app, 'extra.py'), 'VALUE = 1\n');
  const since = (await onServer(server, 'date +%s')).trim();
  // The journal's clock has whole seconds here: start the deploy in the next one.
  await new Promise((r) => setTimeout(r, 1100));
  const second = await deploy(server, app);
  expect(second.report.error).toBeUndefined();
  const h = second.report.hosts[0]!;
  expect(h.facts.reload).toBe('hup');

  // since + 1: the first deploy's last commands may have started in the second `since` was read.
  const sudo = (await sudoCommands(String(Number(since) + 1))).filter((l) => !l.includes('date +%s'));
  // The lock holder keeps its own channel (a stdin stream); every other root command of the run
  // goes through the one privileged shell: the small delta travels as a request's stdin, and the
  // waiting ones (check, candidate, verify) are sent ahead, so a cancel ends them there (TERM to the
  // shell). Only a venv that must be built, or a large upload, takes a channel of its own.
  // Before: 15 sudo sessions, then 7.
  expect({ count: sudo.length, sudo }).toEqual({ count: 2, sudo: expect.any(Array) });
  // The root shell, known by its script's name line (templates/scripts/root_shell.sh).
  expect(sudo.filter((l) => /^COMMAND=\/usr\/bin\/bash -c .*# root_shell\.sh/.test(l))).toHaveLength(1);
  expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);

  // Every request counted; requests that do not depend on the answer before them go together, so
  // the runner waits 3 times: the layout (with the prepare, and the lock sent at the same moment),
  // the delta's trim (with the unpack, the finish, the venv lookup, the config and the check,
  // backup and candidate group), and the units (with the switch, the verify and the prune).
  // Both figures are in the summary line. Before: 15 requests, 13 waits.
  expect({ requests: h.roundTrips, waits: h.waits }).toEqual({ requests: 13, waits: 3 });
  expect(hostLine(h)).toMatch(
    new RegExp(`: deployed in \\d+\\.\\d\\d s, ${h.roundTrips} SSH requests, ${h.waits} round trips$`)
  );
  const names = h.steps.map((st) => st.name);
  expect(names.indexOf('switch')).toBe(names.indexOf('units') + 1);
  expect(h.steps.every((st) => st.ok)).toBe(true);
  // The candidate's master started warm with the lock, beside a serving release, got the go with
  // the backup, and the check forked its worker (issue 30).
  expect(h.steps.find((st) => st.name === 'candidate')?.detail).toMatch(
    /its master started warm while the release uploaded/
  );
});

/** The nice of each `WHO /autogroup-N nice K` line of `text` (cat /proc/PID/autogroup), in order. */
function autogroupNices(text: string, who: string): string[] {
  return [...text.matchAll(new RegExp(`^${who} /autogroup-\\d+ nice (-?\\d+)$`, 'gm'))].map((m) => m[1]!);
}

/**
 * Watches, as root, every 20 ms, the root shell's session (its bash, not sudo's monitor; `[#]`: not
 * the watcher's own text) and the app's master: each one's autogroup nice, in the order seen (a
 * repeat of the last line dropped).
 */
interface Autogroups {
  cores: number;
  nices: (who: string) => string[];
  shell: () => string[];
}

async function watchAutogroups(): Promise<() => Promise<Autogroups>> {
  const watch =
    'end=$((SECONDS + 60)); while [ $SECONDS -lt $end ] && [ ! -e /tmp/ag.stop ]; do ' +
    'for p in $(pgrep -f "[#] root_shell.sh"); do [ "$(cat /proc/$p/comm 2>/dev/null)" = bash ] && echo "shell $(cat /proc/$p/autogroup 2>/dev/null)"; done; ' +
    'm=$(systemctl show -p MainPID --value shop.service); echo "app $(cat /proc/$m/autogroup 2>/dev/null)"; ' +
    'sleep 0.02; done > /tmp/ag.out; touch /tmp/ag.done';
  await onServer(server, `rm -f /tmp/ag.*; nohup bash -c ${shQuote(watch)} >/dev/null 2>&1 </dev/null &`);
  return async () => {
    const seen = await onServer(
      server,
      'touch /tmp/ag.stop; for i in $(seq 100); do [ -e /tmp/ag.done ] && break; sleep 0.05; done; cat /tmp/ag.out; echo "cores $(nproc)"'
    );
    const cores = Number(/^cores (\d+)$/m.exec(seen)?.[1]);
    const nices = (who: string): string[] =>
      autogroupNices(seen, who).filter((n, i, all) => i === 0 || all[i - 1] !== n);
    // The shell is at 0 from its start until the layout's request (after the lock): a look may
    // or may not fall in those few ms, so a first 0 before anything else is left out.
    const shell = (): string[] => {
      const seq = nices('shell');
      return seq.length > 1 && seq[0] === '0' ? seq.slice(1) : seq;
    };
    return { cores, nices, shell };
  };
}

test('a deploy runs its root shell ahead of the app for the CPU (two cores or more), the app as it was', async () => {
  await deploy(server, app);
  const stop = await watchAutogroups();
  await writeFile(path.join(app, 'extra.py'), 'VALUE = 2\n');
  const run = await deploy(server, app);
  expect(run.report.error).toBeUndefined();
  const { cores, nices, shell } = await stop();
  // On one core, never.
  expect(shell()).toEqual(cores >= 2 ? ['-10'] : ['0']);
  expect(nices('app')).toEqual(['0']);
});

test('with a database over 64 MiB, the backup puts the shell back at the level of the app for the rest', async () => {
  const db = '/srv/shop/shared/instance/app.db';
  const grow =
    'create table ballast(b); with recursive c(i) as (select 1 union all select i + 1 from c where i < 70) insert into ballast select zeroblob(1000000) from c;';
  await onServer(server, `runuser -u shop -- sqlite3 ${db} ${shQuote(grow)}; stat -c %s ${db}`);
  try {
    const stop = await watchAutogroups();
    await writeFile(path.join(app, 'extra.py'), 'VALUE = 3\n');
    const run = await deploy(server, app);
    expect(run.report.error).toBeUndefined();
    const { cores, shell } = await stop();
    expect(shell()).toEqual(cores >= 2 ? ['-10', '0'] : ['0']);
  } finally {
    await onServer(server, `runuser -u shop -- sqlite3 ${db} 'drop table ballast; vacuum;'`);
  }
});

test('what the build user leaves running from the venv lookup does not share the shell priority', async () => {
  // The build user's venv Python, asked where Gunicorn is once its note is gone, leaves a process
  // behind: it must be in a session of its own, at the app's level, not in the deploy shell's.
  const venv = (await onServer(server, 'readlink -f /srv/shop/current/.venv')).trim();
  // Only that call leaves one (the app and the candidate start it too); argv[0] kept for the venv.
  const wrapper = [
    '#!/bin/bash',
    'case "$*" in *gunicorn.__file__*) (exec -a gd-lingers sleep 61) </dev/null >/dev/null 2>&1 & ;; esac',
    'exec -a "$0" /usr/bin/python3 "$@"'
  ];
  const plant =
    `cd ${venv}/bin && rm -f python && printf '%s\\n' ${wrapper.map(shQuote).join(' ')} > python && ` +
    'chmod 755 python && rm -f ../.gunicorn-file';
  await onServer(server, `runuser -u shop-build -- sh -c ${shQuote(plant)}`);
  try {
    await writeFile(path.join(app, 'extra.py'), 'VALUE = 4\n');
    const run = await deploy(server, app);
    expect(run.report.error).toBeUndefined();
    expect(run.report.hosts[0]!.steps.find((st) => st.name === 'venv')?.changed).toBe(false);
    const left = await onServer(
      server,
      `cat ${venv}/.gunicorn-file; for p in $(pgrep -f \'^gd-lingers 61\'); do echo "left $(cat /proc/$p/autogroup)"; done`
    );
    // The note is back (the lookup asked the Python), and what it left runs at nice 0.
    expect(left).toMatch(/gunicorn\/__init__\.py/);
    const nices = autogroupNices(left, 'left');
    expect(nices.length).toBeGreaterThan(0);
    expect(new Set(nices)).toEqual(new Set(['0']));
  } finally {
    await onServer(
      server,
      `pkill -f '^gd-lingers 61'; runuser -u shop-build -- sh -c ${shQuote(`cd ${venv}/bin && rm -f python && ln -s python3 python`)}`
    );
  }
});
