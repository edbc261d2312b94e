import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import type { RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, onServer } from '../support/deploy.js';
import {
  PEBBLE_DIRECTORY,
  curlTo as curlAt,
  servedSerial as servedAt,
  setUpPebble,
  startPebble
} from '../support/pebble.js';
import { countEvents, startReceiver, waitForEvent } from '../support/alert-receiver.js';

// HTTPS for real, with pebble validating HTTP-01 on the app server itself (support/pebble.ts).
const run = promisify(execFile);
let server: SandboxServer;
let app: string;
let listenerCert: string;

const NAMES = 'shop.test www.shop.test';

const BASE = {
  mode: 'provision',
  'health-interval': '30s',
  'server-name': NAMES,
  // The certificate's alerts go to a receiver on the server (support/alert-receiver.ts).
  'alert-webhook': 'http://127.0.0.1:9911/hook/tls'
};

function acme(over: Record<string, string> = {}): Record<string, string> {
  return {
    ...BASE,
    tls: 'acme',
    'acme-email': 'ops@shop.test',
    'acme-server': PEBBLE_DIRECTORY,
    'acme-ca-bundle': listenerCert,
    ...over
  };
}

async function provision(over: Record<string, string>): Promise<{ report: RunReport; lines: string[] }> {
  return deploy(server, app, over);
}

function step(report: RunReport, name: string): { changed?: boolean; detail?: string } | undefined {
  return report.hosts[0]!.steps.find((s) => s.name === name);
}

const curlTo = (name: string, args: string): Promise<string> => curlAt(server, name, args);

/** curl's exit code for /health asked with a Host no site serves (52: empty reply; 35: TLS refused). */
const unknownHost = (scheme: 'http' | 'https'): Promise<string> =>
  onServer(
    server,
    `curl -sS -k -o /dev/null -H 'Host: scanner.invalid' ${scheme}://127.0.0.1/health 2>&1; echo "rc=$?"`
  ).then((out) => out.slice(out.indexOf('rc=')));
const servedSerial = (name = 'shop.test'): Promise<string> => servedAt(server, name);

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  listenerCert = await setUpPebble(server, NAMES.split(' '));
  await startReceiver(server);
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('a first provision whose certificate cannot be issued (ACME down) serves the app over HTTP and fails saying so', async () => {
  const { report } = await provision(acme());
  expect(report.ok).toBe(false);
  if (process.env.GD_TEST_LOG) console.log(report.error);
  expect(report.error).toContain('certbot could not get a certificate for shop.test, www.shop.test');
  expect(report.error).toContain(
    'the site keeps answering over plain HTTP from the app (http://shop.test/) until a first certificate is issued'
  );
  // The release was deployed before the certificate was asked for.
  expect(step(report, 'release')?.changed).toBe(true);
  expect(report.hosts[0]!.steps.map((s) => s.name).indexOf('tls')).toBeGreaterThan(
    report.hosts[0]!.steps.map((s) => s.name).indexOf('release')
  );
  expect(report.error).toMatch(/127\.0\.0\.1.*14000|Connection refused|connect/i);
  // Plain HTTP answers the app (no redirect), and nothing listens on 443.
  expect(await curlTo('shop.test', "-o /dev/null -w '%{http_code}' http://shop.test/health")).toBe('200');
  expect(await onServer(server, "ss -Hltn 'sport = :443' | wc -l")).toBe('0\n');
  expect(await onServer(server, 'nginx -t 2>&1 && echo ok')).toMatch(/ok\n$/);
}, 600_000);

test('the site serves over HTTP first (tls: off, the default)', async () => {
  const { report } = await provision(BASE);
  expect(report.error).toBeUndefined();
  expect(step(report, 'tls')?.detail).toBe('off (HTTP only)');
  expect(report.hosts[0]!.facts.tls).toBe('n/a');
  expect(await curlTo('shop.test', "-o /dev/null -w '%{http_code}' http://shop.test/health")).toBe('200');
  // An unknown Host gets no answer (444: the connection is closed, curl exit 52).
  expect(await unknownHost('http')).toMatch(/^rc=52\b/);
}, 600_000);

let firstSerial = '';

test('tls: acme gets a certificate over HTTP-01 and serves HTTPS, HTTP redirects', async () => {
  await startPebble(server);
  const { report, lines } = await provision(acme());
  expect(report.error).toBeUndefined();
  expect(step(report, 'tls')?.changed).toBe(true);
  expect(step(report, 'tls')?.detail).toMatch(
    /^changed: certificate, nginx-catch-all, nginx-site, tls-check \(serial [0-9A-F]+, valid until /
  );
  // HTTPS through nginx, trusted by pebble's CA, for each name.
  for (const name of ['shop.test', 'www.shop.test']) {
    const out = await curlTo(name, `-w '\\n%{http_code} %{http_version}' https://${name}/health`);
    const [body, status] = [out.slice(0, out.lastIndexOf('\n')), out.slice(out.lastIndexOf('\n') + 1)];
    expect(status).toBe('200 2');
    expect(JSON.parse(body).status).toBe('ok');
  }
  // HTTP: a 301 to the same URL over HTTPS, except the challenge path.
  const head = await curlTo(
    'shop.test',
    "-o /dev/null -w '%{http_code} %{redirect_url}' 'http://shop.test/health?x=1'"
  );
  expect(head).toBe('301 https://shop.test/health?x=1');
  await onServer(
    server,
    'mkdir -p /var/www/gunicorn-deploy-acme/shop/.well-known/acme-challenge && echo token-probe > /var/www/gunicorn-deploy-acme/shop/.well-known/acme-challenge/probe'
  );
  expect(await curlTo('shop.test', 'http://shop.test/.well-known/acme-challenge/probe')).toBe(
    'token-probe\n'
  );
  // HSTS is off by default.
  expect(await curlTo('shop.test', '-sI https://shop.test/health')).not.toMatch(/strict-transport-security/i);
  // The webroot is root's; renewals run from Debian's certbot.timer with the reload hook.
  expect(await onServer(server, "stat -c '%U %a' /var/www/gunicorn-deploy-acme/shop")).toBe('root 755\n');
  expect(await onServer(server, 'systemctl is-active certbot.timer')).toBe('active\n');
  // certbot.service (the timer's renewals) trusts the private ACME server too.
  expect(await onServer(server, 'systemctl show -p Environment --value certbot.service')).toContain(
    'REQUESTS_CA_BUNDLE=/etc/gunicorn-deploy/acme-ca-bundle.pem'
  );
  expect(
    await onServer(
      server,
      'test -x /etc/letsencrypt/renewal-hooks/deploy/gunicorn-deploy-nginx.sh && echo hook'
    )
  ).toBe('hook\n');
  // The checklist's nginx probe follows the redirect.
  expect(lines.join('\n')).toMatch(/health-nginx\s+ok\s+\/health 200 over HTTPS after the redirect/);
  expect(lines.join('\n')).toMatch(/\btls\s+ok\s+certificate valid until /);
  expect(report.hosts[0]!.facts.tls).toBe('ok');
  firstSerial = await servedSerial();
  expect(firstSerial).toMatch(/^[0-9A-F]+$/);
  // Unknown Hosts reach no app: 444 over HTTP, the TLS handshake refused over HTTPS (no SNI match).
  expect(await unknownHost('http')).toMatch(/^rc=52\b/);
  expect(await unknownHost('https')).toMatch(/^rc=35\b/);
  expect(
    await onServer(
      server,
      "echo | openssl s_client -connect 127.0.0.1:443 -servername scanner.invalid 2>&1 | grep -c 'BEGIN CERTIFICATE' || true"
    )
  ).toBe('0\n');
}, 600_000);

test('a second provision issues nothing and says unchanged', async () => {
  const { report } = await provision(acme());
  expect(report.error).toBeUndefined();
  expect(step(report, 'tls')).toMatchObject({ changed: false });
  expect(step(report, 'tls')?.detail).toMatch(/^unchanged/);
  expect(step(report, 'nginx')).toMatchObject({
    changed: false,
    detail: expect.stringMatching(/^unchanged/)
  });
  expect(await onServer(server, 'ls /etc/letsencrypt/archive/shop/ | grep -c "^cert"')).toBe('1\n');
  expect(await servedSerial()).toBe(firstSerial);
  const dry = await provision(acme({ 'dry-run': 'true' }));
  expect(dry.report.error).toBeUndefined();
  expect(step(dry.report, 'tls')).toMatchObject({ changed: false });
}, 600_000);

test('a forced renewal is served after the hook reloads nginx (nginx -t first)', async () => {
  const pid = await onServer(server, 'systemctl show -p MainPID --value nginx');
  await onServer(
    server,
    'REQUESTS_CA_BUNDLE=/etc/gunicorn-deploy/acme-ca-bundle.pem certbot renew --force-renewal --no-random-sleep-on-renew -q',
    300_000
  );
  const fileSerial = (
    await onServer(
      server,
      "openssl x509 -in /etc/letsencrypt/live/shop/cert.pem -noout -serial | sed 's/^serial=//'"
    )
  ).trim();
  expect(fileSerial).not.toBe(firstSerial);
  let served = '';
  for (let i = 0; i < 50 && served !== fileSerial; i++) {
    served = await servedSerial();
    if (served !== fileSerial) await new Promise((r) => setTimeout(r, 200));
  }
  expect(served).toBe(fileSerial);
  // A reload, not a restart: the master stayed.
  expect(await onServer(server, 'systemctl show -p MainPID --value nginx')).toBe(pid);
  expect((await curlTo('shop.test', "-o /dev/null -w '%{http_code}' https://shop.test/health")).trim()).toBe(
    '200'
  );
}, 600_000);

test('a renewal whose reload nginx -t refuses is alerted and retried until served; a failed renewal is alerted', async () => {
  const before = await servedSerial();
  // Any configuration that fails nginx -t (an admin's typo in another file) while certbot renews.
  await onServer(server, "echo 'this is not nginx;' > /etc/nginx/conf.d/zz-broken.conf");
  let fileSerial = '';
  try {
    await onServer(
      server,
      'REQUESTS_CA_BUNDLE=/etc/gunicorn-deploy/acme-ca-bundle.pem certbot renew --force-renewal --no-random-sleep-on-renew -q || true',
      300_000
    );
    fileSerial = (
      await onServer(
        server,
        "openssl x509 -in /etc/letsencrypt/live/shop/cert.pem -noout -serial | sed 's/^serial=//'"
      )
    ).trim();
    expect(fileSerial).not.toBe(before);
    // The hook starts the check at once: the alert says why, the old certificate is still served.
    const refused = await waitForEvent(server, 'tls-reload-refused');
    expect(refused.body.detail).toMatch(
      /^nginx serves an older certificate for shop\.test \(valid until .*\) than the renewed \/etc\/letsencrypt\/live\/shop\/fullchain\.pem \(until .*\): nginx -t fails \(.*zz-broken\.conf.*\), so nginx was not reloaded; .* retried every 10 minutes$/
    );
    expect(await servedSerial()).toBe(before);
    // The timer's next run, still refused: the old one served, no second alert the same day.
    await onServer(server, 'systemctl start shop-tls-check.service');
    expect(await servedSerial()).toBe(before);
    expect(await countEvents(server, 'tls-reload-refused')).toBe(1);
  } finally {
    await onServer(server, 'rm -f /etc/nginx/conf.d/zz-broken.conf');
  }
  // The next run after the fix reloads nginx: the renewed certificate is served, and said so.
  await onServer(server, 'systemctl start shop-tls-check.service');
  expect(await servedSerial()).toBe(fileSerial);
  await waitForEvent(
    server,
    'recovered',
    /^tls-reload-refused: nginx serves the renewed certificate for shop\.test now/
  );
  expect(
    await onServer(
      server,
      'systemctl is-enabled shop-tls-check.timer; systemctl is-active shop-tls-check.timer'
    )
  ).toBe('enabled\nactive\n');

  // certbot.service failing (the timer's renewals): its OnFailure= drop-in sends tls-renewal-failed.
  await onServer(
    server,
    `mkdir -p /run/systemd/system/certbot.service.d
printf '[Service]\\nExecStart=\\nExecStart=/bin/sh -c "echo renewal failed on purpose; exit 1"\\n' > /run/systemd/system/certbot.service.d/zz-test.conf
systemctl daemon-reload; systemctl start certbot.service || true`
  );
  try {
    await waitForEvent(server, 'tls-renewal-failed', /^certbot\.service failed: .*renewal failed on purpose/);
  } finally {
    await onServer(
      server,
      'rm -rf /run/systemd/system/certbot.service.d; systemctl daemon-reload; systemctl reset-failed certbot.service || true'
    );
  }
}, 600_000);

test('a name the CA cannot validate fails with the reason, and HTTPS keeps serving', async () => {
  const before = await servedSerial();
  const { report } = await provision(acme({ 'server-name': `${NAMES} nowhere.test` }));
  expect(report.ok).toBe(false);
  expect(report.error).toContain(
    'certbot could not get a certificate for shop.test, www.shop.test, nowhere.test'
  );
  if (process.env.GD_TEST_LOG) console.log(report.error);
  // certbot's own account of the CA's answer: which name failed, and how.
  expect(report.error).toMatch(/Domain: nowhere\.test/);
  expect(await servedSerial()).toBe(before);
  expect((await curlTo('shop.test', "-o /dev/null -w '%{http_code}' https://shop.test/health")).trim()).toBe(
    '200'
  );
}, 600_000);

test('tls: files serves the given certificate; the key is root-only; HSTS when asked', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-tls-'));
  const make = (name: string) =>
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=shop.test',
      '-addext',
      'subjectAltName=DNS:shop.test,DNS:www.shop.test',
      '-keyout',
      path.join(dir, `${name}.key`),
      '-out',
      path.join(dir, `${name}.pem`)
    ]);
  await make('a');
  await make('b');
  const cert = await readFile(path.join(dir, 'a.pem'), 'utf8');
  const key = await readFile(path.join(dir, 'a.key'), 'utf8');
  const other = await readFile(path.join(dir, 'b.key'), 'utf8');
  const files = { ...BASE, tls: 'files', 'tls-certificate': cert, 'tls-key': key, hsts: 'true' };

  // A key of another certificate is refused before any server is touched.
  await expect(provision({ ...files, 'tls-key': other })).rejects.toThrow(
    /input `tls-key`: does not match tls-certificate/
  );

  const { report, lines } = await provision(files);
  expect(report.error).toBeUndefined();
  expect(lines.join('\n')).not.toContain(key.split('\n')[1]!);
  expect(await onServer(server, "stat -c '%U %G %a' /etc/gunicorn-deploy/tls/shop/privkey.pem")).toBe(
    'root root 600\n'
  );
  await onServer(server, `cat > /tmp/a.pem <<'EOF'\n${cert}EOF`);
  const out = await onServer(
    server,
    "curl -sS --cacert /tmp/a.pem --resolve shop.test:443:127.0.0.1 -D - -o /dev/null -w '%{http_code}' https://shop.test/health"
  );
  expect(out).toMatch(/strict-transport-security: max-age=31536000/i);
  expect(out).toMatch(/200$/);
  const again = await provision(files);
  expect(step(again.report, 'tls')).toMatchObject({ changed: false });

  // A new pair: a dry run names the change without showing either key, then the real run swaps
  // the files under the unchanged site and reloads nginx, which serves the new certificate.
  const next = {
    ...files,
    'tls-certificate': await readFile(path.join(dir, 'b.pem'), 'utf8'),
    'tls-key': other
  };
  const dry = await provision({ ...next, 'dry-run': 'true' });
  expect(dry.report.error).toBeUndefined();
  expect(step(dry.report, 'tls')?.changed).toBe(true);
  const printed = dry.lines.join('\n');
  expect(printed).toContain(
    'would write the private key /etc/gunicorn-deploy/tls/shop/privkey.pem (not shown)'
  );
  for (const line of [...key.split('\n'), ...other.split('\n')].filter(
    (l) => l.length > 8 && !l.startsWith('-')
  ))
    expect(printed).not.toContain(line);
  expect(await onServer(server, 'cat /etc/gunicorn-deploy/tls/shop/privkey.pem')).toBe(key);
  const swapped = await provision(next);
  expect(swapped.report.error).toBeUndefined();
  expect(step(swapped.report, 'tls')?.detail).toMatch(/^changed: certificate \(serial/);
  const wanted = (await run('openssl', ['x509', '-noout', '-serial', '-in', path.join(dir, 'b.pem')])).stdout
    .trim()
    .replace(/^serial=/, '');
  expect(await servedSerial()).toBe(wanted);
}, 600_000);

test('a tls: files certificate ending within 14 days is alerted once a day', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-tls-'));
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '10'],
    ...['-subj', '/CN=shop.test', '-addext', 'subjectAltName=DNS:shop.test,DNS:www.shop.test'],
    ...['-keyout', path.join(dir, 'c.key'), '-out', path.join(dir, 'c.pem')]
  ]);
  const { report } = await provision({
    ...BASE,
    tls: 'files',
    'tls-certificate': await readFile(path.join(dir, 'c.pem'), 'utf8'),
    'tls-key': await readFile(path.join(dir, 'c.key'), 'utf8')
  });
  expect(report.error).toBeUndefined();
  // tls: files has no certbot drop-in; the daily unit, run twice the same day: one alert.
  expect(await onServer(server, 'ls /etc/systemd/system/certbot.service.d/')).not.toContain('alert-shop');
  await onServer(server, 'systemctl start shop-tls-check.service; systemctl start shop-tls-check.service');
  const hit = await waitForEvent(server, 'tls-expiring');
  expect(hit.body.detail).toMatch(
    /^the certificate for shop\.test ends .* \(in (9|10) days, warning at 14\): tls: files is renewed by you: run mode provision with the new tls-certificate and tls-key$/
  );
  await new Promise((r) => setTimeout(r, 3000));
  expect(await countEvents(server, 'tls-expiring')).toBe(1);
}, 600_000);
