import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, onServer } from '../support/deploy.js';
import { PEBBLE_DIRECTORY, curlTo, setUpPebble, startPebble } from '../support/pebble.js';

// The oldest supported nginx and certbot: bookworm's nginx 1.22 has no `http2 on` (the site uses
// `listen 443 ssl http2`), and its certbot is 2.1.
let server: SandboxServer;

beforeAll(async () => {
  server = await bootServer({ suite: 'bookworm' });
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

test('bookworm (nginx 1.22, certbot 2.1): tls: acme serves HTTPS over HTTP/2 and redirects HTTP', async () => {
  const listenerCert = await setUpPebble(server, ['shop.test']);
  await startPebble(server);
  const { report } = await deploy(server, await appCopy(), {
    mode: 'provision',
    'health-interval': '30s',
    'server-name': 'shop.test',
    tls: 'acme',
    'acme-email': 'ops@shop.test',
    'acme-server': PEBBLE_DIRECTORY,
    'acme-ca-bundle': listenerCert,
    hsts: 'true'
  });
  expect(report.error).toBeUndefined();
  expect(await onServer(server, 'nginx -v 2>&1')).toMatch(/nginx\/1\.22\./);
  expect(await onServer(server, 'cat /etc/nginx/sites-available/shop.conf')).toContain(
    'listen 443 ssl http2;'
  );
  const out = await curlTo(
    server,
    'shop.test',
    "-D - -o /dev/null -w '%{http_code} %{http_version}' https://shop.test/health"
  );
  expect(out).toMatch(/strict-transport-security: max-age=31536000/i);
  expect(out).toMatch(/200 2$/);
  expect(
    await curlTo(
      server,
      'shop.test',
      "-o /dev/null -w '%{http_code} %{redirect_url}' http://shop.test/health"
    )
  ).toBe('301 https://shop.test/health');
  expect(report.hosts[0]!.facts.tls).toBe('ok');
  expect(report.hosts[0]!.facts['health-nginx']).toBe('ok');
}, 600_000);
