import * as net from 'node:net';
import { readFile } from 'node:fs/promises';
import type { SandboxServer } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine, type Connector } from '../../src/engine.js';
import { connect } from '../../src/ssh/connection.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, inputsFor, onServer, testLogger } from '../support/deploy.js';

// The firewall on a real server: what it lets in and drops, seen from the host running the tests
// (as the internet would), and the way back when a new SSH login cannot confirm it.
let server: SandboxServer;
let app: string;

const BASE = {
  mode: 'provision',
  'apt-packages': 'python3-flask, python3-gunicorn',
  'health-interval': '30s',
  firewall: 'true'
};

function stepOf(report: RunReport, name: string) {
  return report.hosts[0]!.steps.find((s) => s.name === name);
}

/** A TCP connect from the host: open, refused, or no answer at all (a drop). */
function probe(port: number, ms = 3000): Promise<'open' | 'refused' | 'timeout'> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: server.host, port });
    const done = (r: 'open' | 'refused' | 'timeout'): void => {
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(ms, () => done('timeout'));
    sock.on('connect', () => done('open'));
    sock.on('error', () => done('refused'));
  });
}

/** Test listeners on the server, on all addresses, outside anything the tool manages. */
async function listen(...ports: number[]): Promise<void> {
  for (const p of ports) {
    await onServer(
      server,
      `ss -Htln "sport = :${p}" | grep -q . || { setsid nohup python3 -m http.server --bind 0.0.0.0 ${p} --directory /tmp >/dev/null 2>&1 < /dev/null & }
for i in $(seq 50); do ss -Htln "sport = :${p}" | grep -q . && break; sleep 0.1; done`
    );
  }
}

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('firewall: true lets in SSH, 80 and firewall-allow, drops the rest, and a second run changes nothing', async () => {
  await listen(8099, 8081);
  expect(await probe(8099)).toBe('open');
  // Somebody else's table: left exactly as it is.
  await onServer(server, 'nft add table inet theirs; nft add chain inet theirs keep');

  const first = await deploy(server, app, { ...BASE, 'firewall-allow': '8081, udp/53' });
  expect(first.report.error).toBeUndefined();
  expect(stepOf(first.report, 'firewall')).toMatchObject({ ok: true, changed: true });
  expect(stepOf(first.report, 'firewall')!.detail).toContain('confirmed over a new SSH connection');

  // A new SSH login (the system client, a new connection) still works.
  expect((await onServer(server, 'echo new-login-ok')).trim()).toBe('new-login-ok');
  // Open before, dropped now: no answer at all.
  expect(await probe(8099)).toBe('timeout');
  expect(await probe(8081)).toBe('open');
  const res = await fetch(`http://${server.host}/health`, { signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);

  const state = await onServer(
    server,
    'nft list tables; systemctl is-enabled gunicorn-deploy-firewall.service; systemctl is-active gunicorn-deploy-firewall.service; stat -c "%a %U" /etc/gunicorn-deploy/firewall.nft; nft list table inet gunicorn_deploy'
  );
  expect(state).toContain('table inet theirs');
  expect(state).toMatch(/enabled\nactive\n644 root\n/);
  expect(state).toMatch(/policy drop/);
  expect(state).toMatch(/udp dport 53 accept/);
  // Nothing left over from the apply: the revert timer was stopped, its files gone.
  expect(
    await onServer(
      server,
      'systemctl is-active gunicorn-deploy-firewall-revert.timer || true; ls /run/gunicorn-deploy/'
    )
  ).not.toMatch(/^active|revert|pending/m);

  const second = await deploy(server, app, { ...BASE, 'firewall-allow': '8081, udp/53' });
  expect(second.report.error).toBeUndefined();
  expect(stepOf(second.report, 'firewall')).toMatchObject({ ok: true, changed: false, detail: 'unchanged' });
  // Nothing else flips either (the confirm wrote into /etc/shop without opening it up).
  expect(second.report.hosts[0]!.facts.changes).toBe('none');
  expect(await onServer(server, 'stat -c "%a %U:%G" /etc/shop')).toBe('750 root:shop\n');

  // nftables.service flushes the whole ruleset when it (re)starts: the app's table comes back with it.
  await onServer(server, 'systemctl restart nftables.service');
  expect(await onServer(server, 'nft list tables')).toContain('table inet gunicorn_deploy\n');
  expect(await probe(8099)).toBe('timeout');

  // And after a reboot, with nftables.service enabled (its flush runs first at boot).
  await onServer(server, 'systemctl enable --quiet nftables.service; touch /run/gd-before-reboot');
  await onServer(server, 'systemctl reboot').catch(() => undefined);
  const deadline = Date.now() + 240_000;
  let booted = false;
  while (!booted && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    booted = await onServer(server, 'test ! -e /run/gd-before-reboot && echo booted', 10_000)
      .then((o) => o.includes('booted'))
      .catch(() => false);
  }
  expect(booted).toBe(true);
  expect(await onServer(server, 'nft list tables')).toMatch(/table inet gunicorn_deploy\n/);
  // Nothing listens on 8099 now: without the table the host would get a refusal, with it no answer.
  expect(await probe(8099)).toBe('timeout');
  await listen(8099);
}, 600_000);

test('dry-run shows the ruleset change and changes nothing', async () => {
  const before = await onServer(
    server,
    'cat /etc/gunicorn-deploy/firewall.nft; nft list table inet gunicorn_deploy'
  );
  const { report, lines } = await deploy(server, app, {
    ...BASE,
    'firewall-allow': '8081, 8099, udp/53',
    'dry-run': 'true'
  });
  expect(report.error).toBeUndefined();
  expect(stepOf(report, 'firewall')).toMatchObject({
    changed: true,
    detail: 'would change: ruleset, request'
  });
  const log = lines.join('\n');
  expect(log).toMatch(/would load the firewall table inet gunicorn_deploy /);
  expect(log).toMatch(/-\s+tcp dport \{ 22, 80, 443, 8081 \} accept\n/);
  expect(log).toMatch(/\+\s+tcp dport \{ 22, 80, 443, 8081, 8099 \} accept/);
  expect(
    await onServer(server, 'cat /etc/gunicorn-deploy/firewall.nft; nft list table inet gunicorn_deploy')
  ).toBe(before);
  expect(await probe(8099)).toBe('timeout');
}, 600_000);

test('a ruleset no new SSH login can confirm is reverted by the server within 60 s, and the error says so', async () => {
  const before = await onServer(
    server,
    'cat /etc/gunicorn-deploy/firewall.nft /etc/gunicorn-deploy/firewall.d/shop.ports'
  );
  const key = await readFile(server.privateKeyPath, 'utf8');
  const inputs: Record<string, string> = {
    'private-key': key,
    ...inputsFor(server, app, { ...BASE, 'firewall-allow': '8081, 8099, udp/53' })
  };
  // The run's own connection works; every new one fails, as after a rule that cut SSH.
  let opened = 0;
  const lockedOut: Connector = async (target, logger) => {
    if (++opened > 1) throw new Error('simulated: connection timed out (the new rules cut SSH)');
    return connect(target, logger);
  };
  const logger = testLogger();
  const started = Date.now();
  const { report } = await runEngine(
    parseSettings((n) => inputs[n] ?? ''),
    { logger, connect: lockedOut }
  );
  const took = Date.now() - started;
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(
    /the firewall was applied, but a new SSH connection could not confirm it \(simulated: connection timed out.*\); the server reverted it after 60 s/
  );
  expect(stepOf(report, 'firewall')).toMatchObject({ ok: false });
  expect(took).toBeGreaterThanOrEqual(60_000);
  expect(took).toBeLessThan(120_000);
  // The previous rules are back, live and on disk: 8099 still dropped.
  expect(
    await onServer(server, 'cat /etc/gunicorn-deploy/firewall.nft /etc/gunicorn-deploy/firewall.d/shop.ports')
  ).toBe(before);
  expect(await onServer(server, 'nft list table inet gunicorn_deploy')).not.toMatch(/8099/);
  expect(await probe(8099)).toBe('timeout');
  expect(
    await onServer(server, 'journalctl -u gunicorn-deploy-firewall-revert.service -o cat --no-pager')
  ).toMatch(/not confirmed by a new SSH login within 60 s: reverted/);
}, 600_000);

test('firewall: false removes the table, its unit and its file, and nothing else', async () => {
  const { report } = await deploy(server, app, { ...BASE, firewall: 'false' });
  expect(report.error).toBeUndefined();
  expect(stepOf(report, 'firewall')).toMatchObject({ changed: true, detail: 'changed: firewall-removed' });
  expect(await probe(8099)).toBe('open');
  const state = await onServer(
    server,
    'nft list tables; ls /etc/systemd/system/gunicorn-deploy-firewall.service /etc/gunicorn-deploy/firewall.nft 2>&1 || true'
  );
  expect(state).not.toContain('gunicorn_deploy');
  expect(state).toMatch(/No such file[\s\S]*No such file/);
  const again = await deploy(server, app, { ...BASE, firewall: 'false' });
  expect(stepOf(again.report, 'firewall')).toMatchObject({ changed: false, detail: 'unchanged' });
}, 600_000);
