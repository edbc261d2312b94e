import * as http from 'node:http';
import * as net from 'node:net';
import type { SandboxServer } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, onServer } from '../support/deploy.js';

// Several apps on one server: one firewall whose ports are the union of every app's request (an
// earlier per-app table migrated into it), names one app serves refused for another, and
// mode remove taking one app off while the other keeps serving with its port open.
let server: SandboxServer;
let app: string;

const APPS = {
  shop: { 'app-name': 'shop', 'server-name': 'shop.test', 'firewall-allow': '8081' },
  blog: { 'app-name': 'blog', 'server-name': 'blog.test', 'firewall-allow': '8082' }
};

const BLOG_PROCESSES = {
  processes: 'web: gunicorn app:app\nworker=2: sleep 1000',
  schedule: '*:*:0/2: pwd >> /srv/blog/shared/instance/ticks'
};

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

async function listen(...ports: number[]): Promise<void> {
  for (const p of ports) {
    await onServer(
      server,
      `ss -Htln "sport = :${p}" | grep -q . || { setsid nohup python3 -m http.server --bind 0.0.0.0 ${p} --directory /tmp >/dev/null 2>&1 < /dev/null & }
for i in $(seq 50); do ss -Htln "sport = :${p}" | grep -q . && break; sleep 0.1; done`
    );
  }
}

/** /health through nginx from the host, with the given Host (fetch would send the IP); 0: no answer. */
function health(name: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: server.host, port: 80, path: '/health', headers: { Host: name }, timeout: 5000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('two apps with the firewall on: both ports open, SSH kept; an earlier per-app table is migrated', async () => {
  await listen(8081, 8082, 8083, 8099);
  // A table of an earlier version (app "old", port 8083), as its provision left it.
  await onServer(
    server,
    `mkdir -p /etc/old && cat > /etc/old/firewall.nft <<'EOF'
table inet gunicorn_deploy_old
delete table inet gunicorn_deploy_old
table inet gunicorn_deploy_old {
  chain input {
    type filter hook input priority filter; policy drop;
    ct state { established, related } accept
    iif "lo" accept
    tcp dport { 22, 80, 443, 8083 } accept
  }
}
EOF
printf '# Written by gunicorn-deploy\\n[Service]\\nType=oneshot\\nRemainAfterExit=yes\\nExecStart=/usr/sbin/nft -f /etc/old/firewall.nft\\nExecStop=-/usr/sbin/nft delete table inet gunicorn_deploy_old\\n[Install]\\nWantedBy=sysinit.target\\n' > /etc/systemd/system/old-firewall.service
systemctl daemon-reload; systemctl enable --now --quiet old-firewall.service`
  );
  expect(await probe(8099)).toBe('timeout');

  const shop = await deploy(server, app, { ...BASE, ...APPS.shop });
  expect(shop.report.error).toBeUndefined();
  expect(stepOf(shop.report, 'firewall')!.detail).toMatch(/migrate.*confirmed over a new SSH connection/);
  // blog also runs a process and a schedule: mode remove (the last test) must take their units.
  const blog = await deploy(server, app, { ...BASE, ...APPS.blog, ...BLOG_PROCESSES });
  expect(blog.report.error).toBeUndefined();

  // Each app's port, the migrated one, SSH (a new login) and both sites; the rest dropped.
  expect(await probe(8081)).toBe('open');
  expect(await probe(8082)).toBe('open');
  expect(await probe(8083)).toBe('open');
  expect(await probe(8099)).toBe('timeout');
  expect((await onServer(server, 'echo new-login-ok')).trim()).toBe('new-login-ok');
  expect(await health('shop.test')).toBe(200);
  expect(await health('blog.test')).toBe(200);
  const tables = await onServer(server, 'nft list tables; ls /etc/gunicorn-deploy/firewall.d/');
  expect(tables).toContain('table inet gunicorn_deploy\n');
  expect(tables).not.toContain('gunicorn_deploy_old');
  expect(tables).toMatch(/blog\.ports\nold\.ports\nshop\.ports/);
  expect(await onServer(server, 'systemctl is-enabled old-firewall.service 2>&1 || true')).not.toMatch(
    /^enabled/
  );
  // A second provision of either changes nothing in the firewall.
  const again = await deploy(server, app, { ...BASE, ...APPS.shop });
  expect(stepOf(again.report, 'firewall')).toMatchObject({ changed: false, detail: 'unchanged' });
}, 900_000);

test('a third app with a server-name another app serves is refused, naming it, with nothing changed', async () => {
  const before = await onServer(
    server,
    'nft list ruleset | md5sum; ls /etc/nginx/sites-enabled /etc/nginx/conf.d /srv; getent passwd wiki || true'
  );
  const { report } = await deploy(server, app, {
    ...BASE,
    'app-name': 'wiki',
    'server-name': 'wiki.test shop.test',
    'firewall-allow': '8084'
  });
  expect(report.ok).toBe(false);
  expect(report.error).toContain(
    'input `server-name`: shop.test is already served by the app shop on this server (/etc/nginx/sites-enabled/shop.conf); nothing was changed'
  );
  expect(report.hosts[0]!.steps.map((s) => s.name)).toEqual(['connect', 'preflight']);
  expect(
    await onServer(
      server,
      'nft list ruleset | md5sum; ls /etc/nginx/sites-enabled /etc/nginx/conf.d /srv; getent passwd wiki || true'
    )
  ).toBe(before);
}, 600_000);

test('mode remove takes one app off; the other keeps serving with its port open', async () => {
  await expect(
    deploy(server, app, { mode: 'remove', 'app-name': 'blog', 'remove-confirm': 'shop' })
  ).rejects.toThrow(
    /input `remove-confirm`: must be the app's name \(blog\) to remove it from the servers, got 'shop'/
  );
  expect(await health('blog.test')).toBe(200);
  // Before: blog's process instances and its schedule's timer are live, and the schedule has run.
  const units = `systemctl list-units --all --plain --no-legend 'blog*' | grep -v '\\bnot-found\\b' | awk '{ print $1, $3 }' | sort; find /etc/systemd/system -name 'blog*'`;
  const before = await onServer(
    server,
    `for i in $(seq 100); do [ -s /srv/blog/shared/instance/ticks ] && break; sleep 0.2; done; wc -l < /srv/blog/shared/instance/ticks\n${units}`
  );
  expect(before).toMatch(/^[1-9]\d*\n/);
  expect(before).toMatch(/^blog-worker@1\.service active$/m);
  expect(before).toMatch(/^blog-worker@2\.service active$/m);
  expect(before).toMatch(/^blog-schedule-[0-9a-f]{10}\.timer active$/m);
  expect(before).toMatch(
    /^\/etc\/systemd\/system\/timers\.target\.wants\/blog-schedule-[0-9a-f]{10}\.timer$/m
  );

  const { report } = await deploy(server, app, {
    ...BLOG_PROCESSES,
    mode: 'remove',
    'app-name': 'blog',
    'remove-confirm': 'blog'
  });
  expect(report.error).toBeUndefined();
  expect(report.hosts[0]!.steps.map((s) => s.name)).toEqual([
    'connect',
    'lock',
    'backup',
    'remove app',
    'firewall',
    'fail2ban',
    'remove files'
  ]);
  expect(await health('shop.test')).toBe(200);
  expect(await probe(8081)).toBe('open');
  expect(await probe(8082)).toBe('timeout');
  expect(await probe(8083)).toBe('open');
  // blog.test is now an unknown name: the catch-all closes the connection.
  expect(await health('blog.test')).toBe(0);
  const left = await onServer(
    server,
    `getent passwd blog blog-build || echo no-users
ls /etc/systemd/system | grep -c '^blog' || true
ls /etc/nginx/sites-enabled /etc/gunicorn-deploy/firewall.d
stat -c '%U %a' /srv/blog; ls /srv/blog; ls /srv/blog/backups | grep -c 'removed' || true
test -e /etc/blog && echo etc-left || echo etc-gone`
  );
  expect(left).toMatch(/^no-users\n0\n/);
  expect(left).not.toMatch(/blog\.conf|blog\.ports/);
  expect(left).toMatch(/root 700\nbackups\nshared\n1\netc-gone\n$/);
  // Nothing of blog's left in systemd: no unit loaded (timers, workers, the schedule's service), no file.
  expect(await onServer(server, units)).toBe('');
  expect(await onServer(server, 'pgrep -f "^sleep 1000" || echo none')).toBe('none\n');
  // Twice is a no-op.
  const again = await deploy(server, app, { mode: 'remove', 'app-name': 'blog', 'remove-confirm': 'blog' });
  expect(again.report.error).toBeUndefined();
  expect(again.report.hosts[0]!.facts.changes).toBe('none');
}, 600_000);
