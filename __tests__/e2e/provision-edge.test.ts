import * as http from 'node:http';
import type { SandboxServer } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report.js';
import { runEngine } from '../../src/engine.js';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, inputsFor, onServer, testLogger } from '../support/deploy.js';

// The site's edge options on a real server, seen from the host as a browser would: one 301 to the
// canonical name, the security headers (the app's own kept), a rate limit's 429 with Retry-After.
let server: SandboxServer;
let app: string;

const BASE = {
  mode: 'provision',
  'apt-packages': 'python3-flask, python3-gunicorn',
  'health-interval': '30s',
  'server-name': 'shop.test www.shop.test',
  'canonical-host': 'shop.test',
  'rate-limit': '/login 2r/m'
};

function stepOf(report: RunReport, name: string) {
  return report.hosts[0]!.steps.find((s) => s.name === name);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** One request through nginx from the host with the given Host (fetch would send the IP). */
function get(name: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: server.host, port: 80, path, headers: { Host: name }, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      }
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${name}${path}`)));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  // A route that sends its own X-Frame-Options: nginx must not add a second one.
  await editFile(
    app,
    'app.py',
    (t) =>
      `${t}\n\n@app.get("/framed")\ndef framed():\n    return "framed", 200, {"X-Frame-Options": "DENY"}\n`
  );
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('canonical-host, security headers and a rate limit through nginx; a second provision changes nothing', async () => {
  const first = await deploy(server, app, BASE);
  expect(first.report.error).toBeUndefined();

  const [unknown, other, otherPath, health, framed] = await Promise.all([
    get('other.test', '/health').then(
      (a) => `answered ${a.status}`,
      () => 'no answer'
    ),
    get('www.shop.test', '/'),
    get('www.shop.test', '/rows?page=2&x=a%20b'),
    get('shop.test', '/health'),
    get('shop.test', '/framed')
  ]);
  // The catch-all from the first provision on (Debian's default site it replaces is no reason to skip it).
  expect(unknown).toBe('no answer');
  // One 301 straight to the canonical name, path and query kept.
  expect(other.status).toBe(301);
  expect(other.headers.location).toBe('http://shop.test/');
  expect(otherPath.headers.location).toBe('http://shop.test/rows?page=2&x=a%20b');
  // The canonical name is served by the app, with the default security headers.
  expect(health.status).toBe(200);
  expect(health.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'SAMEORIGIN',
    'content-security-policy': "frame-ancestors 'self'"
  });
  // The app's own header wins, once; the others are still added.
  expect(framed.status).toBe(200);
  expect(framed.headers['x-frame-options']).toBe('DENY');
  expect(framed.headers['x-content-type-options']).toBe('nosniff');

  // 2r/m: the first request passes (the app's 404), the next one within 30 s is refused.
  const login1 = await get('shop.test', '/login');
  const login2 = await get('shop.test', '/login');
  expect(login1.status).toBe(404);
  expect(login2.status).toBe(429);
  expect(login2.headers['retry-after']).toBe('30');
  expect(login2.headers['x-content-type-options']).toBe('nosniff');
  // Only /login is limited: /health answers on.
  expect((await get('shop.test', '/health')).status).toBe(200);

  const again = await deploy(server, app, BASE);
  expect(again.report.error).toBeUndefined();
  expect(stepOf(again.report, 'nginx')).toMatchObject({ changed: false, detail: 'unchanged' });
}, 600_000);

test('security-headers: false adds none; without canonical-host every name is served', async () => {
  const { report } = await deploy(server, app, {
    ...BASE,
    'canonical-host': '',
    'rate-limit': '',
    'security-headers': 'false'
  });
  expect(report.error).toBeUndefined();
  const [health, other] = await Promise.all([get('shop.test', '/health'), get('www.shop.test', '/health')]);
  expect(health.status).toBe(200);
  expect(other.status).toBe(200);
  for (const h of ['referrer-policy', 'x-frame-options', 'content-security-policy', 'x-content-type-options'])
    expect(health.headers[h]).toBeUndefined();
  expect(await onServer(server, 'cat /etc/nginx/sites-available/shop.conf')).not.toMatch(
    /limit_req|gd_shop_/
  );
}, 600_000);

test('hsts-preload without hsts-subdomains is refused before connecting, naming the input', async () => {
  const inputs: Record<string, string> = {
    'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
    ...inputsFor(server, app, {
      ...BASE,
      tls: 'acme',
      'acme-email': 'ops@shop.test',
      hsts: 'true',
      'hsts-preload': 'true'
    })
  };
  let connected = 0;
  const refused = await (async () => {
    const settings = parseSettings((n) => inputs[n] ?? '');
    await runEngine(settings, {
      logger: testLogger(),
      connect: () => {
        connected++;
        throw new Error('must not connect');
      }
    });
  })().catch((err: unknown) => err);
  expect(refused).toBeInstanceOf(SettingsError);
  expect((refused as SettingsError).problems).toEqual([
    expect.stringMatching(/^input `hsts-preload`: needs hsts: true and hsts-subdomains: true/)
  ]);
  expect(connected).toBe(0);
});

test("ssh-allow-from keeps the run's own address (with a notice); the table lets SSH in from the listed sources only", async () => {
  const { report, lines } = await deploy(server, app, {
    ...BASE,
    firewall: 'true',
    'ssh-allow-from': '192.0.2.1'
  });
  expect(report.error).toBeUndefined();
  expect(stepOf(report, 'firewall')!.detail).toContain('confirmed over a new SSH connection');
  const own = /ssh-allow-from does not list (\S+), the address this run connects from/.exec(lines.join('\n'));
  expect(own).not.toBeNull();
  const table = await onServer(server, 'nft list table inet gunicorn_deploy');
  expect(table).toMatch(/tcp dport \{ 80, 443 \} accept/);
  expect(table).toContain('ip saddr 192.0.2.1 tcp dport 22 accept');
  expect(table).toContain(`ip saddr ${own![1]} tcp dport 22 accept`);
  // A new login from the run's address still works.
  expect((await onServer(server, 'echo new-login-ok')).trim()).toBe('new-login-ok');
  const off = await deploy(server, app, { ...BASE, firewall: 'false' });
  expect(off.report.error).toBeUndefined();
}, 600_000);
