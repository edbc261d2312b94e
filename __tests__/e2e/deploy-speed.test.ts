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
  // The lock holder and the upload stream keep their own channels (stdin streams), and so do the
  // commands that wait (venv, check, candidate, verify: a cancel or a vanished runner must end
  // them at once); every other root command of the run goes through the one privileged shell.
  // Before: one sudo per command (15 for this deploy).
  expect({ count: sudo.length, sudo }).toEqual({ count: 7, sudo: expect.any(Array) });
  expect(sudo.filter((l) => l.startsWith("COMMAND=/usr/bin/bash -c 'd=$(mktemp"))).toHaveLength(1);
  expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);

  // Every request counted; the upload's prepare goes with the layout and the switch with the units
  // (one round trip for each pair), so the runner waited two times less than it sent requests.
  // Both figures are in the summary line.
  // Before: waits was not reported and equal to the requests.
  expect(h.roundTrips).toBeGreaterThanOrEqual(sudo.length);
  expect(h.waits).toBe(h.roundTrips! - 2);
  expect(hostLine(h)).toMatch(
    new RegExp(`: deployed in \\d+\\.\\d\\d s, ${h.roundTrips} SSH requests, ${h.waits} round trips$`)
  );
  const names = h.steps.map((st) => st.name);
  expect(names.indexOf('switch')).toBe(names.indexOf('units') + 1);
  expect(h.steps.every((st) => st.ok)).toBe(true);
});
