import { readFile } from 'node:fs/promises';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, inputsFor, onServer, testLogger } from '../support/deploy.js';
import { runnerCommands } from '../support/runner-commands.js';

// mode logs: the app's logs through the fenced printer, the last lines or followed until cancelled.
let server: SandboxServer;
let app: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
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
