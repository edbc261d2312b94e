import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { hostLine } from '../../src/report.js';
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
