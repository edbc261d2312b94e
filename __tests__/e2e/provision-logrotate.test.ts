import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer } from '../support/deploy.js';

// logrotate must make Gunicorn reopen its logs on every supported systemd, not only the newest:
// bookworm's systemd 252 is the oldest here (the same as Ubuntu 22.04).
let server: SandboxServer;

beforeAll(async () => {
  server = await bootServer({ suite: 'bookworm' });
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

/** Where the Gunicorn master's open log files point. */
async function masterLogFiles(): Promise<string[]> {
  const out = await onServer(
    server,
    'pid=$(systemctl show -p MainPID --value shop.service); for f in /proc/$pid/fd/*; do readlink "$f"; done | grep "^/var/log/shop/" | sort -u'
  );
  return out.split('\n').filter((l) => l);
}

test('bookworm (systemd 252): after logrotate -f the Gunicorn master writes to the new log files', async () => {
  const { report } = await deploy(server, await appCopy(), {
    mode: 'provision',
    'apt-packages': 'python3-flask, python3-gunicorn',
    'health-interval': '30s'
  });
  expect(report.error).toBeUndefined();
  expect(await onServer(server, 'systemctl --version | head -n 1')).toMatch(/^systemd 252\b/);
  expect(await masterLogFiles()).toEqual(['/var/log/shop/access.log', '/var/log/shop/error.log']);
  expect((await getJson(server, '/health')).status).toBe(200);
  await onServer(server, 'logrotate -f /etc/logrotate.d/shop');
  expect(await onServer(server, 'ls /var/log/shop')).toMatch(/^error\.log\.1$/m);
  // USR1 is asynchronous: the master reopens its files within a moment.
  let files: string[] = [];
  for (let i = 0; i < 50; i++) {
    files = await masterLogFiles();
    if (files.every((f) => !f.endsWith('.1') && !f.includes('(deleted)'))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(files).toEqual(['/var/log/shop/access.log', '/var/log/shop/error.log']);
  await getJson(server, '/health?after-rotate=1');
  expect(await onServer(server, 'cat /var/log/shop/access.log')).toContain('after-rotate=1');
}, 600_000);
