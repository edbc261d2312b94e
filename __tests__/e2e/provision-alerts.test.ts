import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, onServer } from '../support/deploy.js';
import { shQuote } from '../../src/ssh/quote.js';
import {
  received as receivedOn,
  startReceiver as startRec,
  waitForEvent as waitOn,
  type Received
} from '../support/alert-receiver.js';

// Alerts from a real server to a small receiver on it (python3 http.server, recording each body):
// every event arrives with its fields, the URL never shows in a command line or the journal, and a
// receiver that does not answer holds up nothing.
let server: SandboxServer;
let app: string;

const TOKEN = 'gd-edge-secret-token-4711';
const HOOK = `http://127.0.0.1:9911/hook/${TOKEN}`;
const BASE = {
  mode: 'provision',
  'apt-packages': 'python3-flask, python3-gunicorn',
  'health-interval': '30s',
  'alert-webhook': HOOK
};

const startReceiver = (): Promise<void> => startRec(server);
const received = (): Promise<Received[]> => receivedOn(server);
const waitForEvent = (event: string, detail?: RegExp, timeoutMs?: number): Promise<Received> =>
  waitOn(server, event, detail, timeoutMs);

let hostname: string;

/** A release healthy as a candidate, 500 on /health once live: the deploy rolls it back. */
async function brokenOnceLive(): Promise<string> {
  const dir = await appCopy();
  await editFile(
    dir,
    'app.py',
    (t) =>
      `${t}\nimport os\nLIVE = os.environ.get("PWD", "").endswith("/current")\n@app.before_request\ndef _broken():\n    if LIVE and request.path == "/health":\n        return "broken on purpose", 500\n`
  );
  return dir;
}

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  await startReceiver();
  hostname = (await onServer(server, 'hostname -f 2>/dev/null || hostname')).trim();
  const { report, lines } = await deploy(server, app, BASE);
  expect(report.error).toBeUndefined();
  expect(lines.join('\n')).not.toContain(TOKEN);
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

function expectAlert(r: Received, event: string, detail: RegExp): void {
  expect(r.path).toBe(`/hook/${TOKEN}`);
  expect(r.type).toBe('application/json');
  expect(r.body).toEqual({
    app: 'shop',
    host: hostname,
    event,
    detail: expect.stringMatching(detail),
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    text: expect.stringContaining(`[shop on ${hostname}] ${event}: `)
  });
  expect(Math.abs(Date.parse(r.body.time) - Date.now())).toBeLessThan(120_000);
}

test('mode alert-test sends one alert and waits for it; without a webhook it says so', async () => {
  const { report } = await deploy(server, app, { mode: 'alert-test' });
  expect(report.error).toBeUndefined();
  expect(report.hosts[0]!.status).toBe('alert sent');
  // Sent before the run ended (no wait here): --send is the POST itself.
  const hit = (await received()).find((r) => r.body.event === 'test');
  expect(hit).toBeDefined();
  expectAlert(hit!, 'test', /^a test alert, sent by gunicorn-deploy \(mode alert-test\)/);
  const missing = await deploy(server, app, { mode: 'alert-test', 'app-name': 'nohook' });
  expect(missing.report.error).toMatch(
    /^[^:]+: no alert-webhook is set up for nohook on .*; nothing was sent/
  );
}, 300_000);

test('the webhook is stored root-only; a second provision changes nothing', async () => {
  expect(
    await onServer(server, 'stat -c "%a %U:%G" /etc/shop/alert-webhook; cat /etc/shop/alert-webhook')
  ).toBe(`600 root:root\n${HOOK}\n`);
  const { report } = await deploy(server, app, BASE);
  expect(report.hosts[0]!.steps.find((s) => s.name === 'alerts')).toMatchObject({ changed: false });
}, 600_000);

test('a deploy rolled back is reported by the server', async () => {
  const dir = await brokenOnceLive();
  const { report } = await deploy(server, dir, { 'health-timeout': '8s' });
  expect(report.hosts[0]!.status).toBe('rolled-back');
  const failed = report.hosts[0]!.facts['failed-release']!;
  const back = report.hosts[0]!.facts.release!;
  const r = await waitForEvent('rollback');
  expectAlert(
    r,
    'rollback',
    new RegExp(`release ${failed} failed after the switch and was rolled back; ${back} is serving`)
  );
}, 600_000);

test("the health timer's restart and a filling disk are reported, the disk once", async () => {
  // The disk: the installed check with its warning level at 0 % (a disk that is always too full).
  await onServer(
    server,
    "sed -i 's/^disk_warn=.*/disk_warn=0/' /usr/local/lib/gunicorn-deploy/shop-health-check; stat -c %a /srv/shop/shared/instance/app.db > /tmp/dbmode; chmod 000 /srv/shop/shared/instance/app.db"
  );
  try {
    await onServer(server, 'for i in 1 2 3; do systemctl start shop-health.service; done');
  } finally {
    await onServer(server, 'chmod "$(cat /tmp/dbmode)" /srv/shop/shared/instance/app.db');
  }
  expectAlert(
    await waitForEvent('health-restart'),
    'health-restart',
    /shop\.service failed 3 health checks in a row \(HTTP 503.*\) and was restarted/
  );
  expectAlert(
    await waitForEvent('disk-low'),
    'disk-low',
    /the filesystem holding \/srv\/shop is \d+% full \(warning above 0%\)/
  );
  await new Promise((r) => setTimeout(r, 3000));
  expect((await received()).filter((r) => r.body.event === 'disk-low')).toHaveLength(1);
  // Both conditions clear: one recovered each, once.
  await onServer(
    server,
    "sed -i 's/^disk_warn=.*/disk_warn=100/' /usr/local/lib/gunicorn-deploy/shop-health-check; systemctl start shop-health.service; systemctl start shop-health.service"
  );
  expectAlert(
    await waitForEvent('recovered', /^disk-low:/),
    'recovered',
    /^disk-low: the filesystem holding \/srv\/shop is \d+% full \(warning above 100%\)$/
  );
  expectAlert(
    await waitForEvent('recovered', /^health-restart/),
    'recovered',
    /^health-restart: shop\.service passes its health check again$/
  );
  await new Promise((r) => setTimeout(r, 3000));
  expect((await received()).filter((r) => r.body.event === 'recovered')).toHaveLength(2);
}, 600_000);

test('an app killed and restarted by systemd sends crash, then recovered after a passing check', async () => {
  const restarts = async (): Promise<number> =>
    Number((await onServer(server, 'systemctl show -p NRestarts --value shop.service')).trim());
  // Running (it may be idle behind its socket); a MainPID of 0 would have kill signal the shell.
  await onServer(server, 'systemctl start shop.service');
  const before = await restarts();
  await onServer(
    server,
    `pid=$(systemctl show -p MainPID --value shop.service); [ "$pid" -gt 1 ] && kill -KILL "$pid"
for i in $(seq 150); do [ "$(systemctl show -p NRestarts --value shop.service)" -gt ${before} ] && systemctl is-active --quiet shop.service && break; sleep 0.2; done
systemctl start shop-health.service`
  );
  expect(await restarts()).toBe(before + 1);
  expectAlert(
    await waitForEvent('crash'),
    'crash',
    /^shop\.service crashed and was restarted by systemd 1 time\(s\) since the last check \(.*status=9\/KILL.*\)$/
  );
  // Recovered from a later check only, so it never arrives before the crash.
  await onServer(server, 'systemctl start shop-health.service');
  expectAlert(
    await waitForEvent('recovered', /^crash:/),
    'recovered',
    /^crash: shop\.service passes its health check again$/
  );
}, 600_000);

test('a failed database maintenance is reported (OnFailure=)', async () => {
  // The backup cannot read the database: the maintenance run fails.
  await onServer(
    server,
    'stat -c %a /srv/shop/shared/instance/app.db > /tmp/dbmode; chmod 000 /srv/shop/shared/instance/app.db'
  );
  try {
    await onServer(server, 'systemctl start shop-db-maintenance.service || true');
    expectAlert(
      await waitForEvent('db-maintenance-failed'),
      'db-maintenance-failed',
      /^shop-db-maintenance\.service failed: .*database maintenance failed/
    );
  } finally {
    await onServer(server, 'chmod "$(cat /tmp/dbmode)" /srv/shop/shared/instance/app.db');
  }
}, 600_000);

test('the URL is in no command line while curl sends, nor in the journal', async () => {
  // The token is read from the server's own file: no command of this test carries it (sudo logs
  // command lines, and a grep for it would itself show it in /proc).
  const out = await onServer(
    server,
    `sed 's|.*/hook/||' /etc/shop/alert-webhook > /tmp/token
/usr/local/lib/gunicorn-deploy/alert shop probe 'looking at the processes'
seen=0; leak=0
for i in $(seq 40); do
  pgrep -x curl >/dev/null && seen=1
  for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done | grep -qF -f /tmp/token && leak=1
  sleep 0.05
done
echo "seen=$seen leak=$leak"
echo "journal=$(journalctl --no-pager -o cat | grep -cF -f /tmp/token || true)"`
  );
  expect(out).toMatch(/^seen=1 leak=0$/m);
  expect(out).toMatch(/^journal=0$/m);
  expect(TOKEN.length).toBeGreaterThan(10);
  await waitForEvent('probe');
}, 600_000);

test('a receiver that does not answer holds up nothing: the alert returns at once, the send is bounded', async () => {
  // A receiver that takes the connection and never answers: every try waits for curl's max-time.
  const sink =
    'import socket, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n' +
    "s.bind(('127.0.0.1', 9912))\ns.listen(16)\nheld = []\nwhile True:\n    held.append(s.accept())\n";
  await onServer(
    server,
    `echo ${Buffer.from(sink).toString('base64')} | base64 -d > /tmp/sink.py; setsid nohup python3 /tmp/sink.py >/dev/null 2>&1 < /dev/null &
for i in $(seq 50); do ss -Htln "sport = :9912" | grep -q . && break; sleep 0.1; done
printf 'http://127.0.0.1:9912/hook\\n' > /etc/shop/alert-webhook`
  );
  const out = await onServer(
    server,
    `s=$(date +%s%N); /usr/local/lib/gunicorn-deploy/alert shop unreachable 'nobody listens'; echo "ms=$(( ($(date +%s%N) - s) / 1000000 ))"`
  );
  expect(Number(/ms=(\d+)/.exec(out)![1])).toBeLessThan(2000);
  // 4 tries of at most 10 s each, 2 s apart: about 46 s, and it says so.
  const started = Date.now();
  const deadline = started + 90_000;
  let journal = '';
  while (Date.now() < deadline) {
    // The script's own lines (-t alert): sudo logs this test's command lines too.
    journal = await onServer(server, 'journalctl --no-pager -o cat -t alert');
    if (/alert unreachable of shop could not/.test(journal)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  expect(journal).toMatch(
    /alert unreachable of shop could not be sent \(curl exit \d+, after 4 tries\); it is dropped/
  );
  // Bounded, and it really waited on the receiver (not refused at once).
  expect(Date.now() - started).toBeGreaterThan(30_000);
  // A deploy rolled back with that receiver: rolled back as always, no slower for the alert.
  const dir = await brokenOnceLive();
  const { report } = await deploy(server, dir, { 'health-timeout': '8s' });
  expect(report.hosts[0]!.status).toBe('rolled-back');
  expect(report.error).toMatch(/rolled back; .* is serving and healthy/);
  await onServer(server, `printf '%s\\n' ${shQuote(HOOK)} > /etc/shop/alert-webhook`);
}, 600_000);

test('bookworm (systemd 252, nft 1.0.6, curl 7.88, like Ubuntu 22.04): the firewall is confirmed and alerts arrive', async () => {
  // The last test of the file: the trixie server makes room for a bookworm one (afterAll stops it).
  await stopServer(server);
  server = await bootServer({ suite: 'bookworm' });
  await startReceiver();
  hostname = (await onServer(server, 'hostname -f 2>/dev/null || hostname')).trim();
  const { report } = await deploy(server, app, { ...BASE, firewall: 'true' });
  expect(report.error).toBeUndefined();
  expect(report.hosts[0]!.steps.find((s) => s.name === 'firewall')!.detail).toContain(
    'confirmed over a new SSH connection'
  );
  expect(await onServer(server, 'systemctl --version | head -n 1')).toMatch(/^systemd 252\b/);
  expect(await onServer(server, 'nft list tables')).toMatch(/^table inet gunicorn_deploy$/m);
  await onServer(server, "/usr/local/lib/gunicorn-deploy/alert shop probe 'from bookworm'");
  expectAlert(await waitForEvent('probe'), 'probe', /^from bookworm$/);
}, 600_000);
