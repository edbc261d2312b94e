import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';

const run = promisify(execFile);

// Several servers per deploy: rolling, all-or-nothing rollback, and a bastion in front.
let servers: SandboxServer[] = [];
let bastion: SandboxServer;

beforeAll(async () => {
  servers = await Promise.all([bootServer(), bootServer(), bootServer()]);
  bastion = await bootServer();
});
afterAll(async () => {
  await Promise.all([...servers, bastion].filter((s) => s).map((s) => stopServer(s)));
});

function fleetInputs(list: SandboxServer[]): Record<string, string> {
  return {
    host: list.map((s) => s.host).join(',\n'),
    'known-hosts': list.map((s) => s.knownHosts).join('\n')
  };
}

/**
 * An app whose new release fails its health check only on servers holding a marker file, and only
 * once live (PWD .../current), so it passes its candidate boot and the failure is the switched
 * server's: the fleet's rollback of servers already switched is what is tested here.
 */
async function unhealthyWhereMarked(): Promise<string> {
  const app = await appCopy();
  await editFile(
    app,
    'app.py',
    (t) =>
      `${t}\nimport os as _os\n@app.before_request\ndef _only_here():\n    if request.path == "/health" and _os.path.exists("/etc/shop-fail-new-release") and _os.environ.get("PWD", "").endswith("/current"):\n        return "unhealthy on this server", 500\n`
  );
  return app;
}

test('three servers, rolling: each deployed and proven, 0 failed requests on any', async () => {
  const app = await appCopy();
  const first = await deploy(servers[0]!, app, fleetInputs(servers));
  expect(first.report.error).toBeUndefined();
  await editFile(app, 'app.py', (t) => `${t}\n# second\n`);
  const loads = await Promise.all(servers.map((s) => startLoad(s, { clients: 20 })));
  const { report } = await deploy(servers[0]!, app, fleetInputs(servers));
  const counts = await Promise.all(loads.map((l) => l.stop()));
  expect(report.error).toBeUndefined();
  expect(report.hosts.map((h) => [h.host, h.status, h.facts.reload])).toEqual(
    servers.map((s) => [s.host, 'deployed', 'hup'])
  );
  for (const [i, s] of servers.entries()) {
    expect((await getJson(s, '/health')).body.release).toBe(report.hosts[i]!.facts.release);
    expect({ host: s.host, failed: counts[i]!.failed }).toEqual({ host: s.host, failed: 0 });
  }
  // Rolling: each server switched after the one before it was proven healthy.
  const switchOrder = report.hosts.map((h) => h.steps.find((st) => st.name === 'verify')).every((v) => v?.ok);
  expect(switchOrder).toBe(true);
});

test('the second of three is unhealthy: the third is untouched, the first rolled back, the job names the second', async () => {
  const before = await Promise.all(
    servers.map(async (s) => (await getJson(s, '/health')).body.release as string)
  );
  const releasesOnThird = await onServer(servers[2]!, 'ls /srv/shop/releases');
  // The new code fails its health check only where this marker exists: on the second server.
  await onServer(servers[1]!, 'touch /etc/shop-fail-new-release');
  const app = await unhealthyWhereMarked();
  const { report } = await deploy(servers[0]!, app, { ...fleetInputs(servers), 'health-timeout': '8s' });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(
    new RegExp(`^${servers[1]!.host.replace(/\./g, '\\.')}: release .* failed and was rolled back`)
  );
  expect(report.error).toMatch(/Rolled back on the servers already switched in this run: 10\.213\.\d+\.2/);
  const [a, b, c] = report.hosts;
  expect(a!.status).toBe('rolled-back');
  expect(b!.status).toBe('rolled-back');
  expect(c!.status).toBe('not started');
  expect(c!.steps).toEqual([]);
  for (const [i, s] of servers.entries()) expect((await getJson(s, '/health')).body.release).toBe(before[i]);
  expect(await onServer(servers[2]!, 'ls /srv/shop/releases')).toBe(releasesOnThird);
  await onServer(servers[1]!, 'rm -f /etc/shop-fail-new-release');
});

test('rollback-scope host keeps the servers already switched', async () => {
  await onServer(servers[1]!, 'touch /etc/shop-fail-new-release');
  const app = await unhealthyWhereMarked();
  const { report } = await deploy(servers[0]!, app, {
    ...fleetInputs(servers),
    'health-timeout': '8s',
    'rollback-scope': 'host'
  });
  await onServer(servers[1]!, 'rm -f /etc/shop-fail-new-release');
  expect(report.ok).toBe(false);
  expect(report.hosts.map((h) => h.status)).toEqual(['deployed', 'rolled-back', 'not started']);
  expect((await getJson(servers[0]!, '/health')).body.release).toBe(report.hosts[0]!.facts.release);
});

test('max-parallel 3 with a canary: the canary first, then the rest prepared and switched together', async () => {
  const app = await appCopy();
  await editFile(app, 'app.py', (t) => `${t}\n# parallel\n`);
  const { report, lines } = await deploy(servers[0]!, app, {
    ...fleetInputs(servers),
    'max-parallel': '3',
    canary: 'true'
  });
  expect(report.error).toBeUndefined();
  expect(report.hosts.every((h) => h.status === 'deployed')).toBe(true);
  // The two servers after the canary went together: each one's lines form one group per phase.
  expect(lines.filter((l) => /^== 10\.213\.\d+\.2: prepare$/.test(l))).toHaveLength(2);
  expect(lines.filter((l) => /^== 10\.213\.\d+\.2: activate$/.test(l))).toHaveLength(2);
  // The canary was live before the others switched.
  const canaryVerified = report.hosts[0]!.steps.find((st) => st.name === 'verify')!;
  expect(canaryVerified.ok).toBe(true);
});

describe('through a bastion', () => {
  let target: SandboxServer;
  beforeAll(async () => {
    target = servers[2]!;
    // The runner cannot reach the target any more; only the bastion can (forwarded traffic).
    await run('iptables', ['-I', 'OUTPUT', '-d', target.host, '-j', 'REJECT']);
  });
  afterAll(async () => {
    await run('iptables', ['-D', 'OUTPUT', '-d', target.host, '-j', 'REJECT']).catch(() => undefined);
  });

  test('the target is unreachable directly, and a deploy through the bastion works', async () => {
    const app = await appCopy();
    const direct = await deploy(target, app, { 'connect-timeout': '2s' });
    expect(direct.report.ok).toBe(false);
    expect(direct.report.hosts[0]!.steps.map((s) => s.name)).toEqual(['connect']);
    const via = await deploy(target, app, {
      'jump-host': `${bastion.user}@${bastion.host}`,
      'jump-known-hosts': bastion.knownHosts
    });
    expect(via.report.error).toBeUndefined();
    expect(via.report.hosts[0]!.status).toBe('deployed');
  });

  test('a wrong bastion host key is rejected before anything runs', async () => {
    const app = await appCopy();
    const wrong = servers[0]!.knownHosts.replace(servers[0]!.host, bastion.host);
    const { report } = await deploy(target, app, {
      'jump-host': `${bastion.user}@${bastion.host}`,
      'jump-known-hosts': wrong
    });
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(
      new RegExp(`host key for ${bastion.host.replace(/\./g, '\\.')}.*does not match`, 's')
    );
    expect(report.hosts[0]!.steps.map((s) => s.name)).toEqual(['connect']);
  });
});
