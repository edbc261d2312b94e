import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, onServer } from '../support/deploy.js';

// The release phase: once per deploy, on the first server, after its candidate and before any
// server of the fleet switches; a failure switches nothing anywhere.
let servers: SandboxServer[] = [];
let app: string;

const RUNS = '/srv/shop/shared/instance/release-runs';

function fleet(over: Record<string, string> = {}): Record<string, string> {
  return {
    host: servers.map((s) => s.host).join(',\n'),
    'known-hosts': servers.map((s) => s.knownHosts).join('\n'),
    // Both servers in one batch: prepared side by side, switched together.
    'max-parallel': '2',
    ...over
  };
}

beforeAll(async () => {
  servers = await Promise.all([bootServer(), bootServer()]);
  app = await appCopy();
  // Each run notes when it ran, in which release, and what served then.
  await writeFile(
    path.join(app, 'Procfile'),
    `web: gunicorn app:app\nrelease: echo "$(date +%s.%N) $(basename "$PWD") $(basename "$(readlink /srv/shop/current || echo none)")" >> ${RUNS}\n`
  );
  const first = await deploy(servers[0]!, app, fleet());
  expect(first.report.error).toBeUndefined();
}, 600_000);
afterAll(async () => {
  await Promise.all(servers.filter((s) => s).map((s) => stopServer(s)));
});

const runs = async (s: SandboxServer): Promise<string[]> =>
  (await onServer(s, `cat ${RUNS} 2>/dev/null || true`)).split('\n').filter((l) => l);
/** When `current` was last switched (the link's own time). */
const switchedAt = async (s: SandboxServer): Promise<number> =>
  Number(await onServer(s, "stat -c '%.9Y' /srv/shop/current"));

test('two servers: the release command runs exactly once, on the first, in the new release, before either switches', async () => {
  const before = await Promise.all(servers.map(runs));
  await editFile(app, 'app.py', (t) => `${t}\n# release phase ${Date.now()}\n`);
  const { report } = await deploy(servers[0]!, app, fleet());
  expect(report.error).toBeUndefined();
  const [r0, r1] = report.hosts.map((h) => h.facts.release!);
  const previous = report.hosts[0]!.facts['previous-release']!;
  const after = await Promise.all(servers.map(runs));
  expect(after[0]!.length).toBe(before[0]!.length + 1);
  expect(after[1]).toEqual([]);
  expect(report.hosts[0]!.steps.map((s) => s.name)).toContain('release phase');
  expect(report.hosts[1]!.steps.map((s) => s.name)).not.toContain('release phase');
  const [at, inRelease, serving] = after[0]!.at(-1)!.split(' ');
  expect(inRelease).toBe(r0);
  expect(serving).toBe(previous);
  for (const s of servers) expect(Number(at)).toBeLessThan(await switchedAt(s));
  expect(r1).toBeTruthy();
});

test('a failing release command switches nothing on any server', async () => {
  const current = await Promise.all(servers.map((s) => onServer(s, 'readlink /srv/shop/current')));
  await editFile(app, 'app.py', (t) => `${t}\n# failing release phase ${Date.now()}\n`);
  const { report } = await deploy(
    servers[0]!,
    app,
    fleet({ 'release-command': 'echo "migration broke"; exit 3' })
  );
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(
    /the release command failed on .* \(exit 3\); nothing was switched on any server; their last lines:\nmigration broke/
  );
  expect(await Promise.all(servers.map((s) => onServer(s, 'readlink /srv/shop/current')))).toEqual(current);
  for (const h of report.hosts) expect(h.steps.map((s) => s.name)).not.toContain('switch');
});

test('a schedule runs on one server of the fleet only: the schedule-host, in its serving release', async () => {
  const out = '/srv/shop/shared/instance/ticks';
  await editFile(app, 'app.py', (t) => `${t}\n# schedules ${Date.now()}\n`);
  // The second server, not the default first: the choice is what is tested.
  const { report } = await deploy(
    servers[0]!,
    app,
    fleet({ schedule: `*:*:0/2: pwd >> ${out}`, 'schedule-host': servers[1]!.host })
  );
  expect(report.error).toBeUndefined();
  const r = report.hosts[1]!.facts.release!;
  const ran = await onServer(
    servers[1]!,
    `for i in $(seq 100); do grep -qx /srv/shop/releases/${r} ${out} 2>/dev/null && break; sleep 0.1; done; grep -cx /srv/shop/releases/${r} ${out} || true`
  );
  expect(Number(ran)).toBeGreaterThan(0);
  // The first server has no timer and never ran it (it ticks every 2 s on the other one).
  await new Promise((r) => setTimeout(r, 2500));
  expect(
    await onServer(
      servers[0]!,
      `ls /etc/systemd/system | grep -c '^shop-schedule-' || true; cat ${out} 2>/dev/null | wc -l`
    )
  ).toBe('0\n0\n');
});
