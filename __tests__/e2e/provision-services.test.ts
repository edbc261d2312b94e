import { cp, mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { deploy, onServer } from '../support/deploy.js';

// services: redis: provision starts Debian's redis-server (installed but disabled in the image) on
// a unix socket only; the app's RQ worker, from its Procfile, reaches it through REDIS_URL.
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  // examples/flask-worker: its Procfile has the web and an RQ worker; /health pings Redis.
  app = await mkdtemp(path.join(os.tmpdir(), 'gd-worker-'));
  await cp(path.resolve('examples/flask-worker'), app, { recursive: true });
}, 300_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('provision with services: redis: a socket the app reaches, no TCP port, REDIS_URL in the env; idempotent', async () => {
  const inputs = { mode: 'provision', services: 'redis', 'health-interval': '30s', 'sqlite-db': '' };
  const { report } = await deploy(server, app, inputs);
  expect(report.error).toBeUndefined();
  const steps = Object.fromEntries(report.hosts[0]!.steps.map((s) => [s.name, s]));
  expect(steps.services!.detail).toMatch(/redis-started/);
  expect(report.hosts[0]!.facts.processes).toMatch(/^worker x1 @ \S+ running$/);
  expect(await onServer(server, 'systemctl is-enabled redis-server; systemctl is-active redis-server')).toBe(
    'enabled\nactive\n'
  );
  // No TCP listener of Redis at all; the socket answers the app's user, and no one else.
  expect(await onServer(server, 'ss -ltnp | grep -c redis || true')).toBe('0\n');
  expect(
    await onServer(
      server,
      'setpriv --reuid=shop --regid=shop --init-groups redis-cli -s /run/redis/redis-server.sock ping'
    )
  ).toBe('PONG\n');
  expect(
    await onServer(
      server,
      'setpriv --reuid=nobody --regid=nogroup --clear-groups redis-cli -s /run/redis/redis-server.sock ping 2>&1 || true'
    )
  ).toMatch(/Permission denied/);
  expect(await onServer(server, 'grep ^REDIS_URL= /etc/shop/env')).toBe(
    'REDIS_URL="unix:///run/redis/redis-server.sock?db=0"\n'
  );
  // The web queues a job through the socket; the worker runs it in the release.
  const release = report.hosts[0]!.facts.release!;
  const queued = await onServer(
    server,
    `curl -sS -X POST -H 'Content-Type: application/json' -d '{"name": "hello", "value": "hi"}' --unix-socket /run/shop/gunicorn.sock http://localhost/jobs`
  );
  const id = (JSON.parse(queued) as { id: string }).id;
  expect(
    await onServer(
      server,
      `for i in $(seq 50); do curl -sS --unix-socket /run/shop/gunicorn.sock http://localhost/jobs/${id} | grep -q finished && break; sleep 0.2; done; cat /srv/shop/shared/instance/jobs/hello`
    )
  ).toBe(`hi ${release}\n`);
  // A second run changes nothing of Redis.
  const again = await deploy(server, app, inputs);
  expect(again.report.error).toBeUndefined();
  expect(again.report.hosts[0]!.steps.find((s) => s.name === 'services')!.changed).toBe(false);
}, 600_000);
