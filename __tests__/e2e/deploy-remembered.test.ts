import { readFile } from 'node:fs/promises';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import { outputsOf, type RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer, testLogger } from '../support/deploy.js';

// rollback and verify given only host, key and app name check the app the way its deploy did:
// a health path that is not /health, a database that is not instance/app.db, and a Host the app
// insists on (as Django's ALLOWED_HOSTS does).
let server: SandboxServer;
let app: string;

const DEPLOYED = {
  'health-path': '/up',
  'sqlite-db': 'instance/shop.db',
  env: 'DATABASE=/srv/shop/shared/instance/shop.db',
  'server-name': 'shop.example.test',
  'health-interval': '30s'
};

// /health is gone, /up answers only for the app's own name, and opens the database.
const APP_CODE = `
@app.before_request
def _only_up():
    if request.path == "/health":
        return "no such page", 404
    if request.path == "/up" and request.host.split(":")[0] != "shop.example.test":
        return "unknown host " + request.host, 400

@app.get("/up")
def _up():
    get_db().execute("SELECT 1")
    return {"status": "ok", "release": RELEASE, "debug": app.debug}
`;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  await editFile(app, 'app.py', (t) => `${t}\n${APP_CODE}\n`);
}, 600_000);
afterAll(async () => {
  if (server) await stopServer(server);
});

/** A run with only what the brief allows: host, user, key, host key and app name (and mode). */
async function bare(mode: string): Promise<RunReport> {
  const inputs: Record<string, string> = {
    mode,
    host: server.host,
    user: server.user,
    'private-key': await readFile(server.privateKeyPath, 'utf8'),
    'known-hosts': server.knownHosts,
    'app-name': 'shop'
  };
  return (
    await runEngine(
      parseSettings((n) => inputs[n] ?? ''),
      { logger: testLogger() }
    )
  ).report;
}

test('rollback and verify with only host, key and app-name use the settings the deploy remembered', async () => {
  const first = await deploy(server, app, { mode: 'provision', commit: 'a'.repeat(40), ...DEPLOYED });
  expect({ ok: first.report.ok, error: first.report.error }).toEqual({ ok: true, error: undefined });
  const one = first.report.hosts[0]!.facts.release!;
  await editFile(app, 'app.py', (t) => `${t}\n# second\n`);
  const second = await deploy(server, app, { commit: 'b'.repeat(40), ...DEPLOYED });
  expect({ ok: second.report.ok, error: second.report.error }).toEqual({ ok: true, error: undefined });
  const two = second.report.hosts[0]!.facts.release!;
  expect(JSON.parse(await onServer(server, 'cat /srv/shop/.deploy/settings.json'))).toMatchObject({
    'health-path': '/up',
    'server-name': 'shop.example.test',
    'sqlite-db': 'instance/shop.db'
  });
  expect(await onServer(server, 'stat -c "%U %a" /srv/shop/.deploy/settings.json')).toBe('root 600\n');

  const verified = await bare('verify');
  expect({ ok: verified.ok, error: verified.error }).toEqual({ ok: true, error: undefined });
  const v = verified.hosts[0]!.facts;
  expect(outputsOf(verified)).toMatchObject({ status: 'ok', release: two });
  expect(v['health-socket']).toBe('ok');
  expect(v['health-nginx']).toBe('ok');
  // The remembered sqlite-db is checked (without it this check is n/a).
  expect(v.database).toBe('ok');

  const back = await bare('rollback');
  expect({ ok: back.ok, error: back.error }).toEqual({ ok: true, error: undefined });
  expect(outputsOf(back)).toMatchObject({
    status: 'rolled-back',
    release: one,
    'previous-release': two,
    'rolled-back': 'true'
  });
  expect(back.hosts[0]!.steps.find((s) => s.name === 'candidate')?.detail).toMatch(/^\/up 200/);
  const up = await onServer(
    server,
    "curl -s -H 'Host: shop.example.test' --unix-socket /run/shop/gunicorn.sock http://x/up"
  );
  expect(JSON.parse(up).release).toBe(one);
  // The health timer asks with the same Host.
  expect(
    await onServer(server, 'grep -c "shop.example.test/up" /usr/local/lib/gunicorn-deploy/shop-health-check')
  ).toBe('1\n');
  expect((await getJson(server, '/health')).status).toBe(404);

  // An input given wins over the remembered one: a health path the app does not have.
  const given = await deploy(server, app, { mode: 'rollback', 'rollback-to': two, 'health-path': '/nope' });
  expect(given.report.ok).toBe(false);
  expect(given.report.error).toMatch(/\/nope answered 404/);
  expect((await onServer(server, 'readlink /srv/shop/current')).trim()).toBe(`releases/${one}`);
});
