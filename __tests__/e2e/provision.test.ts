import * as http from 'node:http';
import type { SandboxServer } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, getJson, onServer } from '../support/deploy.js';

// ONE bare server (a fresh cloud image: systemd, sshd, sudo, python3, curl) for the whole file:
// apt on a bare server is the slow part, so every provision scenario runs on it in turn.
let server: SandboxServer;
let app: string;

// The example app's Python packages come from Debian (the deploy builds its venv with
// --system-site-packages and pip --no-index), so provision installs them with apt.
const BASE = {
  mode: 'provision',
  'apt-packages': 'python3-flask, python3-gunicorn',
  'health-interval': '30s'
};

async function provision(over: Record<string, string> = {}): Promise<{ report: RunReport; lines: string[] }> {
  return deploy(server, app, { ...BASE, ...over });
}

function stepsOf(report: RunReport): Record<string, boolean | undefined> {
  return Object.fromEntries(report.hosts[0]!.steps.map((s) => [s.name, s.changed]));
}

/**
 * From the host running the tests, as a user's browser would: port 80, through nginx, asking for the
 * site's name (fetch cannot set Host, and an unknown one gets no answer once the site has names).
 */
function fromOutside(path = '/health'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: server.host, port: 80, path, headers: { Host: 'shop.example.test' }, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}: ${String(last)}`);
}

const servicePids = (): Promise<string> =>
  onServer(
    server,
    'systemctl show -p MainPID --value shop.service; systemctl show -p MainPID --value nginx.service'
  );

beforeAll(async () => {
  server = await bootServer({ bare: true });
  app = await appCopy();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('an unknown package is refused with a clear error before anything changes', async () => {
  const { report } = await provision({ 'apt-packages': 'python3-flask no-such-package-gd' });
  expect(report.ok).toBe(false);
  expect(report.error).toContain('no-such-package-gd');
  expect(report.error).toContain('nothing was installed or changed');
  expect(stepsOf(report)).not.toHaveProperty('user');
  // Nothing installed, no user made: the next run starts from the same bare server.
  const state = await onServer(
    server,
    "dpkg-query -W -f='${Status}' nginx python3-flask 2>&1 || true; echo; id shop 2>&1 || true"
  );
  expect(state).not.toContain('install ok installed');
  expect(state).toMatch(/no such user/);
}, 600_000);

test('a deploy to the bare server, never provisioned, names the missing packages and changes nothing', async () => {
  const { report } = await deploy(server, app, { 'sqlite-db': 'instance/app.db' });
  expect(report.ok).toBe(false);
  expect(report.hosts[0]!.steps.map((s) => s.name)).toEqual(['connect', 'lock', 'layout']);
  expect(report.error).toMatch(/missing packages: python3-venv sqlite3/);
  expect(report.error).toMatch(/apt-get install -y python3-venv sqlite3 curl|mode provision/);
  const state = await onServer(server, 'ls /srv/shop/releases 2>&1 || true; id shop 2>&1 || true');
  expect(state).toMatch(/No such file/);
  expect(state).toMatch(/no such user/);
}, 300_000);

test('dry-run on the bare server lists every change and makes none', async () => {
  const { report, lines } = await provision({ 'dry-run': 'true' });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  expect(report.hosts[0]!.status).toBe('dry-run');
  expect(report.hosts[0]!.facts.changes).toBe('packages user nginx logrotate alerts timers release');
  const log = lines.join('\n');
  expect(log).toMatch(
    /would apt-get install python3-venv python3-pip nginx .*python3-flask python3-gunicorn/
  );
  expect(log).toMatch(/would create the system user shop/);
  expect(log).toMatch(/would create \/etc\/systemd\/system\/shop-health\.timer/);
  expect(log).toMatch(/would deploy: no release yet/);
  const state = await onServer(
    server,
    'ls /etc/systemd/system/shop-health.timer /etc/logrotate.d/shop /srv/shop 2>&1 || true; id shop 2>&1 || true'
  );
  expect(state).toMatch(/shop-health\.timer': No such file/);
  expect(state).toMatch(/logrotate\.d\/shop': No such file/);
  expect(state).toMatch(/no such user/);
}, 300_000);

test('a bare server is provisioned: the app answers through nginx on port 80', async () => {
  const { report, lines } = await provision();
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  const h = report.hosts[0]!;
  expect(h.status).toBe('provisioned');
  const names = h.steps.map((s) => s.name);
  for (const n of [
    'preflight',
    'packages',
    'user',
    'nginx',
    'logrotate',
    'alerts',
    'timers',
    'firewall',
    'release',
    'switch',
    'verify',
    'checklist'
  ])
    expect(names).toContain(n);
  expect(stepsOf(report).packages).toBe(true);
  for (const k of ['service', 'socket', 'health-socket', 'health-nginx', 'debug', 'timers', 'database'])
    expect(h.facts[k]).toBe('ok');
  expect(lines.join('\n')).toMatch(/health-nginx\s+ok/);
  const outside = await fromOutside();
  expect(outside.status).toBe(200);
  expect(JSON.parse(outside.body)).toMatchObject({ status: 'ok', debug: false, release: h.facts.release });
  const state = await onServer(
    server,
    [
      'stat -c "%U:%G %a" /var/log/shop',
      'getent passwd shop | cut -d: -f7',
      'id -nG shop',
      'ls /etc/nginx/sites-enabled',
      'systemctl is-enabled shop.service shop.socket nginx shop-health.timer shop-db-maintenance.timer',
      'systemctl is-active shop-health.timer shop-db-maintenance.timer',
      'ps -o user= -p $(systemctl show -p MainPID --value shop.service)',
      'stat -c "%U:%G %a" /etc/shop/env',
      'cat /etc/logrotate.d/shop'
    ].join('; ')
  );
  expect(state).toMatch(/^shop:adm 750$/m);
  expect(state).toMatch(/^\/usr\/sbin\/nologin$/m);
  expect(state).toMatch(/^shop$/m); // only its own group: no sudo
  expect(state).toMatch(/^shop\.conf$/m);
  expect(state).not.toMatch(/^default$/m);
  expect(state).toMatch(/(enabled\n){5}/);
  expect(state).toMatch(/active\nactive/);
  expect(state).toMatch(/^root:shop 640$/m);
  expect(state).toMatch(/rotate 14/);
  // Gunicorn never runs as root.
  expect(state).toMatch(/^shop\s*$/m);
}, 900_000);

let idempotentMs = 0;
test('a second provision changes nothing, restarts nothing, and takes a few seconds', async () => {
  const before = await servicePids();
  const releasesBefore = await onServer(server, 'ls /srv/shop/releases');
  const { report, lines } = await provision();
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  idempotentMs = report.ms;
  const changed = report.hosts[0]!.steps.filter((s) => s.changed === true).map((s) => s.name);
  expect(changed).toEqual([]);
  expect(report.hosts[0]!.facts.changes).toBe('none');
  expect(stepsOf(report)).not.toHaveProperty('switch');
  expect(lines.join('\n')).toMatch(/already serves this source/);
  expect(await servicePids()).toBe(before);
  expect(await onServer(server, 'ls /srv/shop/releases')).toBe(releasesBefore);
  process.stderr.write(`second provision (idempotent): ${(report.ms / 1000).toFixed(2)} s\n`);
}, 300_000);

test('after a plain deploy of the same source, provision deploys nothing', async () => {
  const plain = await deploy(server, app, { ...BASE, mode: 'deploy' });
  expect({ ok: plain.report.ok, error: plain.report.error }).toEqual({ ok: true, error: undefined });
  const before = await servicePids();
  const releasesBefore = await onServer(server, 'ls /srv/shop/releases');
  const { report, lines } = await provision();
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  expect(report.hosts[0]!.steps.filter((s) => s.changed === true).map((s) => s.name)).toEqual([]);
  expect(stepsOf(report)).not.toHaveProperty('switch');
  expect(lines.join('\n')).toMatch(
    new RegExp(`release ${plain.report.hosts[0]!.facts.release} already serves this source`)
  );
  expect(await servicePids()).toBe(before);
  expect(await onServer(server, 'ls /srv/shop/releases')).toBe(releasesBefore);
}, 300_000);

test('provision takes the deploy lock: with another holder it fails naming it and changes nothing', async () => {
  await onServer(
    server,
    "sudo sh -c 'echo run=test-holder > /srv/shop/.deploy/lock.owner; " +
      "setsid flock /srv/shop/.deploy/lock sleep 30 >/dev/null 2>&1 </dev/null &'"
  );
  try {
    const { report } = await provision({ 'lock-timeout': '2s', 'server-name': 'locked.example.com' });
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/held the lock for the whole lock-timeout \(2 s\): run=test-holder/);
    const names = report.hosts[0]!.steps.map((st) => st.name);
    expect(names).toContain('lock');
    expect(names).not.toContain('nginx');
    expect(
      await onServer(
        server,
        'ls /etc/nginx/sites-enabled; grep -c locked.example.com /etc/nginx/sites-available/shop.conf || true'
      )
    ).toMatch(/^0$/m);
  } finally {
    await onServer(server, "sudo pkill -f 'flock /srv/shop/[.]deploy/lock' || true");
  }
}, 300_000);

test('dry-run prints what a new server-name would change and changes nothing', async () => {
  const siteBefore = await onServer(server, 'md5sum /etc/nginx/sites-available/shop.conf');
  const { report, lines } = await provision({ 'server-name': 'shop.example.test', 'dry-run': 'true' });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  expect(report.hosts[0]!.status).toBe('dry-run');
  // The health timer's request carries the first server-name as its Host (issue 12).
  expect(report.hosts[0]!.facts.changes).toBe('nginx timers');
  expect(lines.join('\n')).toMatch(/would install \/etc\/nginx\/sites-available\/shop\.conf/);
  expect(lines.join('\n')).toMatch(/\+\s+server_name shop\.example\.test;/);
  expect(await onServer(server, 'md5sum /etc/nginx/sites-available/shop.conf')).toBe(siteBefore);
}, 300_000);

test('a changed server-name touches only nginx (reload, not restart) and the health check, and the app keeps serving', async () => {
  const [appPid, nginxPid] = (await servicePids()).trim().split('\n');
  const { report } = await provision({ 'server-name': 'shop.example.test www.shop.example.test' });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  const changed = report.hosts[0]!.steps.filter((s) => s.changed === true).map((s) => s.name);
  // nginx, and the health check script whose request now carries the new name as its Host.
  expect(changed).toEqual(['nginx', 'timers']);
  expect(
    await onServer(
      server,
      'grep -c "shop.example.test/health" /usr/local/lib/gunicorn-deploy/shop-health-check'
    )
  ).toBe('1\n');
  const [appPid2, nginxPid2] = (await servicePids()).trim().split('\n');
  expect(appPid2).toBe(appPid);
  expect(nginxPid2).toBe(nginxPid); // a reload keeps the nginx master
  expect(await onServer(server, 'grep server_name /etc/nginx/sites-available/shop.conf')).toContain(
    'shop.example.test www.shop.example.test'
  );
  // Through nginx with the site's name (fetch would send the IP, which the catch-all refuses).
  expect(
    await onServer(
      server,
      "curl -sS -o /dev/null -w '%{http_code}' -H 'Host: shop.example.test' http://127.0.0.1/health"
    )
  ).toBe('200');
}, 300_000);

test('a config nginx refuses never replaces the good one', async () => {
  await onServer(server, "echo 'this is not nginx syntax' > /etc/nginx/conf.d/broken.conf");
  const siteBefore = await onServer(server, 'md5sum /etc/nginx/sites-available/shop.conf');
  const { report } = await provision({ 'server-name': 'other.example.test' });
  await onServer(server, 'rm -f /etc/nginx/conf.d/broken.conf');
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(/nginx -t refused/);
  expect(report.error).toMatch(/put back/);
  expect(await onServer(server, 'md5sum /etc/nginx/sites-available/shop.conf')).toBe(siteBefore);
  expect((await fromOutside()).status).toBe(200);
}, 300_000);

test('mode verify passes, and names what is red', async () => {
  const over = { mode: 'verify', 'server-name': 'shop.example.test www.shop.example.test' };
  const ok = await deploy(server, app, over);
  expect({ ok: ok.report.ok, error: ok.report.error }).toEqual({ ok: true, error: undefined });
  expect(ok.report.hosts[0]!.facts['nginx-config']).toBe('ok');
  await onServer(server, 'systemctl stop shop-health.timer');
  const red = await deploy(server, app, over);
  await onServer(server, 'systemctl start shop-health.timer');
  expect(red.report.ok).toBe(false);
  expect(red.report.status).toBe('unhealthy');
  expect(red.report.error).toMatch(/timers \(not active: shop-health\.timer\)/);
  expect(red.lines.join('\n')).toMatch(/timers\s+RED/);
}, 300_000);

test('kill -9 of the Gunicorn master: systemd brings it back and the journal says so', async () => {
  const pid = (await onServer(server, 'systemctl show -p MainPID --value shop.service')).trim();
  await onServer(server, `kill -9 ${pid}`);
  const newPid = await until(
    'a new Gunicorn master',
    async () => {
      const p = (
        await onServer(
          server,
          'systemctl is-active shop.service >/dev/null && systemctl show -p MainPID --value shop.service'
        )
      ).trim();
      return p !== pid && p !== '0' ? p : undefined;
    },
    60_000
  );
  expect(newPid).not.toBe(pid);
  await until(
    'health 200',
    async () => ((await getJson(server, '/health')).status === 200 ? true : undefined),
    30_000
  );
  const journal = await onServer(server, 'journalctl -u shop.service --no-pager -n 50');
  expect(journal).toMatch(/status=9\/KILL|code=killed/);
  expect(journal).toMatch(/Scheduled restart job/);
}, 300_000);

test('logrotate -f rotates the logs and Gunicorn writes to the new file', async () => {
  await fromOutside('/health');
  await onServer(server, 'logrotate -f /etc/logrotate.d/shop');
  await fromOutside('/health?after-rotate=1');
  const out = await until(
    'a line in the new access.log',
    async () => {
      const o = await onServer(server, 'ls /var/log/shop; cat /var/log/shop/access.log');
      return o.includes('after-rotate=1') ? o : undefined;
    },
    20_000
  );
  expect(out).toMatch(/^access\.log\.1$/m);
  expect(out).toMatch(/^access\.log$/m);
  const owner = await onServer(server, 'stat -c "%U:%G %a" /var/log/shop/access.log');
  expect(owner.trim()).toBe('shop:adm 640');
}, 300_000);

test('after a reboot the app serves again through nginx without help', async () => {
  const pidsBefore = await servicePids();
  // /run is a tmpfs: the marker is gone once the guest has really booted again.
  await onServer(server, 'touch /run/gd-before-reboot');
  await onServer(server, 'systemctl reboot').catch(() => undefined);
  await until(
    'the guest to boot again',
    async () =>
      (await onServer(server, 'test ! -e /run/gd-before-reboot && echo booted', 10_000)).includes('booted')
        ? true
        : undefined,
    240_000
  );
  const res = await until(
    'the app through nginx after the reboot',
    async () => {
      const r = await fromOutside();
      return r.status === 200 ? r : undefined;
    },
    120_000
  );
  expect(JSON.parse(res.body).debug).toBe(false);
  // New processes: the service and nginx were started by the boot, not left running.
  const [appPid, nginxPid] = (await servicePids()).trim().split('\n');
  const [appPid0, nginxPid0] = pidsBefore.trim().split('\n');
  expect(appPid).not.toBe(appPid0);
  expect(nginxPid).not.toBe(nginxPid0);
  // The verify checklist is green after the boot too.
  const v = await deploy(server, app, {
    mode: 'verify',
    'server-name': 'shop.example.test www.shop.example.test'
  });
  expect({ ok: v.report.ok, error: v.report.error }).toEqual({ ok: true, error: undefined });
}, 600_000);

afterAll(() => {
  if (idempotentMs) process.stderr.write(`idempotent provision: ${(idempotentMs / 1000).toFixed(2)} s\n`);
});
