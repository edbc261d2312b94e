import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, inputsFor, onServer, testLogger } from '../support/deploy.js';
import { runnerCommands } from '../support/runner-commands.js';

// The modes that work with nginx on one provisioned server: logs (the app's logs through the fenced
// printer, the last lines or followed until cancelled) and maintenance (503 but for the health path,
// ACME and the allowed addresses).
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  await writeFile(path.join(app, 'maintenance.html'), '<h1>Back soon: the shop is being restocked</h1>\n');
  const { report } = await deploy(server, app, {
    mode: 'provision',
    'apt-packages': 'python3-flask, python3-gunicorn'
  });
  expect(report.error).toBeUndefined();
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

/** A logs run with its own cancellation; `logger` to watch its lines while it runs. */
async function logs(over: Record<string, string>, signal?: AbortSignal, logger = testLogger()) {
  const key = await readFile(server.privateKeyPath, 'utf8');
  const inputs: Record<string, string> = {
    'private-key': key,
    ...inputsFor(server, app, { mode: 'logs', ...over })
  };
  const { report } = await runEngine(
    parseSettings((n) => inputs[n] ?? ''),
    { logger, signal }
  );
  return { report, lines: logger.lines };
}

test('--lines 5 shows a request just made through nginx; a planted workflow command or \\r stays fenced', async () => {
  await onServer(server, "curl -s -o /dev/null 'http://127.0.0.1/health?marker=through-nginx-1'");
  await onServer(
    server,
    "printf '::error::x planted\\nbefore\\r::warning::after a carriage return\\n' >> /var/log/shop/error.log"
  );
  const { report, lines } = await logs({ lines: '5' });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  const out = lines.join('\n');
  expect(out).toMatch(
    new RegExp(
      `^\\[${server.host}\\] shop\\.access\\.log: .*GET /health\\?marker=through-nginx-1 .* 200 .*rt=`,
      'm'
    )
  );
  expect(out).toMatch(new RegExp(`^\\[${server.host}\\] error\\.log: ::error::x planted$`, 'm'));
  expect(out).toMatch(new RegExp(`^\\[${server.host}\\] journal: `, 'm'));
  // The runner would see only the fence: no ::error:: or ::warning:: of the server's.
  expect(runnerCommands(out).map((c) => c.command)).toEqual(['stop-commands']);
  // --since: the lines of the last hour hold the request; 5 lines per log at most without it.
  const since = await logs({ since: '1h' });
  expect(since.lines.join('\n')).toContain('marker=through-nginx-1');
  expect(lines.filter((l) => l.includes('shop.access.log: ')).length).toBeLessThanOrEqual(5);
}, 120_000);

test('--follow prints new lines as they come and ends within 1 s of a cancel', async () => {
  const ac = new AbortController();
  const logger = testLogger();
  const run = logs({ follow: 'true', lines: '1' }, ac.signal, logger);
  let settled = false;
  void run.finally(() => (settled = true));
  // A request made while following shows up (asked again until it does: the follow starts a moment later).
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !logger.lines.some((l) => l.includes('marker=followed-2'))) {
    await onServer(server, "curl -s -o /dev/null 'http://127.0.0.1/health?marker=followed-2'");
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(logger.lines.join('\n')).toContain('marker=followed-2');
  expect(settled).toBe(false);
  const t0 = performance.now();
  ac.abort(new Error('the test cancelled it'));
  const { report } = await run;
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(report.hosts[0]!.steps.at(-1)).toMatchObject({
    name: 'logs',
    ok: true,
    detail: 'followed until cancelled'
  });
  // Nothing of the follow is left running on the server.
  await new Promise((r) => setTimeout(r, 500));
  expect(await onServer(server, "pgrep -a 'journalctl|tail' || true")).toBe('');
}, 120_000);

/** Status, Retry-After and body of a request through nginx, from the server: over loopback or its own address. */
async function viaNginx(
  urlPath: string,
  from: 'loopback' | 'outside'
): Promise<{ code: string; retry: string; body: string }> {
  const addr = from === 'loopback' ? '127.0.0.1' : server.host;
  const out = await onServer(
    server,
    `curl -s -D /tmp/h -o /tmp/b -w '%{http_code}' 'http://${addr}${urlPath}'; echo; sed -n 's/^Retry-After: *//Ip' /tmp/h | tr -d '\\r'; echo; cat /tmp/b`
  );
  const [code, retry, ...body] = out.split('\n');
  return { code: code!, retry: retry!, body: body.join('\n') };
}

/** nginx's reload is asynchronous: the new workers answer within a moment. */
async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

test('on: 503 with Retry-After and the page; health path and an allowed address reach the app; a deploy works; off: 200; both idempotent', async () => {
  // The control: before maintenance, / answers 200 from outside.
  expect((await viaNginx('/', 'outside')).code).toBe('200');
  const on = await deploy(server, app, {
    mode: 'maintenance',
    maintenance: 'on',
    'maintenance-allow': '127.0.0.1'
  });
  expect({ error: on.report.error, changed: on.report.hosts[0]!.facts.changed }).toEqual({
    error: undefined,
    changed: 'true'
  });
  expect(await until(async () => (await viaNginx('/', 'outside')).code === '503')).toBe(true);
  const down = await viaNginx('/', 'outside');
  expect(down).toEqual({
    code: '503',
    retry: '300',
    body: expect.stringContaining('Back soon: the shop is being restocked')
  });
  expect((await viaNginx('/some/other/path?x=1', 'outside')).code).toBe('503');
  expect((await viaNginx('/health', 'outside')).code).toBe('200');
  expect((await viaNginx('/', 'loopback')).code).toBe('200');
  const again = await deploy(server, app, {
    mode: 'maintenance',
    maintenance: 'on',
    'maintenance-allow': '127.0.0.1'
  });
  expect({ error: again.report.error, changed: again.report.hosts[0]!.facts.changed }).toEqual({
    error: undefined,
    changed: 'false'
  });

  // Deploys keep working behind it, and it stays on.
  await editFile(app, 'app.py', (t) => `${t}\n# behind maintenance\n`);
  const behind = await deploy(server, app);
  expect(behind.report.error).toBeUndefined();
  expect((await viaNginx('/', 'outside')).code).toBe('503');
  const status = await deploy(server, app, { mode: 'status' });
  expect(status.report.hosts[0]!.facts).toMatchObject({
    maintenance: 'on',
    release: behind.report.hosts[0]!.facts.release
  });

  const off = await deploy(server, app, { mode: 'maintenance', maintenance: 'off' });
  expect({ error: off.report.error, changed: off.report.hosts[0]!.facts.changed }).toEqual({
    error: undefined,
    changed: 'true'
  });
  expect(await until(async () => (await viaNginx('/', 'outside')).code === '200')).toBe(true);
  const offAgain = await deploy(server, app, { mode: 'maintenance', maintenance: 'off' });
  expect(offAgain.report.hosts[0]!.facts.changed).toBe('false');
  // Each run is in the history, with its outcome.
  const history = await onServer(server, 'grep \'"event":"maintenance"\' /srv/shop/.deploy/history.log');
  expect(
    history
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as Record<string, string>).maintenance)
  ).toEqual(['on', 'on', 'off', 'off']);
}, 300_000);

test('bad input is refused before any connection, naming it', async () => {
  await expect(deploy(server, app, { mode: 'maintenance' })).rejects.toThrow(
    /input `maintenance`: must be on or off/
  );
  await expect(
    deploy(server, app, { mode: 'maintenance', maintenance: 'on', 'maintenance-allow': '10.0.0.0/33' })
  ).rejects.toThrow(/input `maintenance-allow`: has a prefix longer than an IPv4 address/);
});
