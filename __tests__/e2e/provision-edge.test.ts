import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report.js';
import { runEngine } from '../../src/engine.js';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { vethName } from '../../src/sandbox/config.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, inputsFor, onServer, testLogger } from '../support/deploy.js';

// The site's edge options on a real server, seen from the host as a browser would: one 301 to the
// canonical name, the security headers (the app's own kept), a rate limit's 429 with Retry-After;
// SSH and the web from other addresses (extra addresses on the host's side of the server's veth):
// ssh-allow-from drops SSH from elsewhere, fail2ban bans after failed logins and refused requests.
const run = promisify(execFile);
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
function get(name: string, path: string, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: server.host, port: 80, path, headers: { Host: name }, timeout: 5000, localAddress },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      }
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${name}${path}`)));
    req.on('error', reject);
  });
}

/** Addresses 10.213.K.N on the host's end of the server's veth: clients other than the run's own. */
async function extraAddresses(...last: number[]): Promise<{ addrs: string[]; remove: () => Promise<void> }> {
  const net24 = server.host.replace(/\.\d+$/, '');
  const dev = vethName(Number(net24.split('.')[2]));
  const addrs = last.map((n) => `${net24}.${n}`);
  for (const a of addrs) await run('ip', ['addr', 'replace', `${a}/32`, 'dev', dev]);
  return {
    addrs,
    remove: async () => {
      for (const a of addrs) await run('ip', ['addr', 'del', `${a}/32`, 'dev', dev]).catch(() => undefined);
    }
  };
}

/** What SSH on the server says to a client from this address: its banner, a refusal, or nothing. */
function sshFrom(localAddress?: string): Promise<'banner' | 'refused' | 'silent'> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: server.host, port: 22, localAddress, timeout: 4000 });
    const end = (v: 'banner' | 'refused' | 'silent'): void => {
      sock.destroy();
      resolve(v);
    };
    sock.on('data', (d) => end(d.toString().startsWith('SSH-') ? 'banner' : 'silent'));
    sock.on('timeout', () => end('silent'));
    sock.on('error', (e: NodeJS.ErrnoException) => end(e.code === 'ECONNREFUSED' ? 'refused' : 'silent'));
  });
}

/** Failed logins (a user that does not exist) from this address, one after the other. */
async function failedLogins(n: number, from?: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    await run(
      'ssh',
      [
        ...(from ? ['-b', from] : []),
        ...['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
        ...['-o', 'ConnectTimeout=4', '-o', 'LogLevel=ERROR', `nosuch-user@${server.host}`, 'true']
      ],
      { timeout: 10_000 }
    ).catch(() => undefined);
  }
}

/** The addresses a jail bans now, once it bans `expected` (or after 60 s: a loaded server is slow). */
async function bannedOnce(jail: string, expected: string): Promise<string[]> {
  let list: string[] = [];
  for (let i = 0; i < 120; i++) {
    const out = await onServer(server, `fail2ban-client status ${jail}`);
    list = /Banned IP list:\s*(.*)$/m.exec(out)?.[1]?.split(/\s+/).filter(Boolean) ?? [];
    if (list.includes(expected)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return list;
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

test("fail2ban bans failed logins and refused requests, never the run's address; ssh-allow-from drops SSH from elsewhere and keeps the run's own", async () => {
  // .77 and .78 try SSH (.78 later listed in ssh-allow-from), .79 is a web client.
  const extra = await extraAddresses(77, 78, 79);
  const [elsewhere, listed, web] = extra.addrs as [string, string, string];
  try {
    // The probe sees SSH from an extra address (so 'silent' below means dropped, 'refused' banned).
    expect(await sshFrom(elsewhere)).toBe('banner');
    const f2b = { ...BASE, firewall: 'true', fail2ban: 'true' };
    const first = await deploy(server, app, f2b);
    expect(first.report.error).toBeUndefined();
    expect(stepOf(first.report, 'fail2ban')!.detail).toMatch(/fail2ban:started.*jails: sshd shop-rate-limit/);
    // The same failed logins from another address and from the run's own; 2r/m's refusals, more
    // than fail2ban's 10, from a web client and from the run's address.
    // Once both jails answer: failures logged before a jail reads the journal would not count.
    await onServer(
      server,
      'for i in $(seq 100); do fail2ban-client status sshd >/dev/null 2>&1 && fail2ban-client status shop-rate-limit >/dev/null 2>&1 && exit 0; sleep 0.2; done; exit 1'
    );
    const logins = Promise.all([failedLogins(6, listed), failedLogins(6)]);
    const refused = Promise.all(
      [web, undefined].map(async (from) => {
        const codes: number[] = [];
        for (let i = 0; i < 13; i++) codes.push((await get('shop.test', '/login', from)).status);
        return codes.filter((c) => c === 429).length;
      })
    );
    await logins;
    // The first may pass (the run's address may have asked within the last 30 s: then none does).
    for (const n of await refused) expect(n).toBeGreaterThanOrEqual(12);
    const [sshBans, webBans] = await Promise.all([
      bannedOnce('sshd', listed),
      bannedOnce('shop-rate-limit', web)
    ]);
    expect(sshBans).toEqual([listed]);
    expect(webBans).toEqual([web]);
    expect(await Promise.all([sshFrom(listed), sshFrom(), sshFrom(elsewhere)])).toEqual([
      'refused',
      'banner',
      'banner'
    ]);
    expect((await onServer(server, 'echo still-in')).trim()).toBe('still-in');
    await expect(get('shop.test', '/health', web)).rejects.toThrow();
    expect((await get('shop.test', '/health')).status).toBe(200);
    const verify = await deploy(server, app, { ...f2b, mode: 'verify' });
    expect(verify.report.hosts[0]!.facts.fail2ban).toBe('ok');
    expect(verify.lines.join('\n')).toMatch(
      /fail2ban +ok +jails sshd \(1 banned\), shop-rate-limit \(1 banned\)/
    );

    // ssh-allow-from: .77 dropped; .78 listed, so never banned (its ban is lifted); the run's kept.
    const on = { ...f2b, 'ssh-allow-from': `192.0.2.1, ${listed}` };
    const { report, lines } = await deploy(server, app, on);
    expect(report.error).toBeUndefined();
    expect(stepOf(report, 'firewall')!.detail).toContain('confirmed over a new SSH connection');
    const own = /ssh-allow-from does not list (\S+), the address this run connects from/.exec(
      lines.join('\n')
    );
    expect(own).not.toBeNull();
    const table = await onServer(server, 'nft list table inet gunicorn_deploy');
    expect(table).toMatch(/tcp dport \{ 80, 443 \} accept/);
    expect(table).toContain('ip saddr 192.0.2.1 tcp dport 22 accept');
    expect(table).toContain(`ip saddr ${own![1]} tcp dport 22 accept`);
    expect(await Promise.all([sshFrom(elsewhere), sshFrom(listed), sshFrom()])).toEqual([
      'silent',
      'banner',
      'banner'
    ]);
    // A new login from the run's address still works.
    expect((await onServer(server, 'echo new-login-ok')).trim()).toBe('new-login-ok');
    expect(await onServer(server, 'fail2ban-client get sshd ignoreip')).toContain(listed);
    const again = await deploy(server, app, on);
    expect(again.report.error).toBeUndefined();
    expect(stepOf(again.report, 'firewall')).toMatchObject({ changed: false });
    expect(stepOf(again.report, 'fail2ban')).toMatchObject({ changed: false });

    // Off again: the tool started fail2ban (the image has it disabled), so it stops it; its bans go.
    const off = await deploy(server, app, { ...BASE, firewall: 'false' });
    expect(off.report.error).toBeUndefined();
    expect(stepOf(off.report, 'fail2ban')!.detail).toContain('fail2ban:stopped');
    expect(
      await onServer(
        server,
        'systemctl is-active fail2ban || true; ls /etc/fail2ban/jail.d/; ls -A /etc/gunicorn-deploy/fail2ban.d/'
      )
    ).toBe('inactive\ndefaults-debian.conf\n');
    expect(await sshFrom(elsewhere)).toBe('banner');
    expect((await get('shop.test', '/health', web)).status).toBe(200);
  } finally {
    await extra.remove();
  }
}, 600_000);
