import { cp, mkdtemp, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';

// examples/fastapi-app under Gunicorn with uvicorn's worker (Debian trixie's python3-fastapi and
// python3-uvicorn) keeps every guarantee a WSGI app has: candidate, HUP and restart without a
// failed request, refusals, rollback; WebSockets through nginx survive a reload. Beside it, the
// Flask example as a second app with gthread proves the Gunicorn settings inputs on a running master.
let server: SandboxServer;
let api: string;
let flask: string;

const API = {
  'app-name': 'api',
  'wsgi-app': 'main:app',
  'worker-class': 'uvicorn',
  'graceful-timeout': '10',
  'sqlite-db': '',
  'shared-paths': ''
};
const GTHREAD = {
  'app-name': 'shop2',
  'worker-class': 'gthread',
  threads: '4',
  'max-requests': '1000',
  workers: '1'
};

beforeAll(async () => {
  server = await bootServer();
  api = await mkdtemp(path.join(os.tmpdir(), 'gd-fastapi-'));
  await cp(path.resolve('examples/fastapi-app'), api, { recursive: true });
  flask = await appCopy();
});
afterAll(async () => {
  if (server) await stopServer(server);
});

const marker = (m: string) => (t: string) => `${t}\n# ${m}\n`;
const ok = (r: { ok: boolean; error?: string }) => ({ ok: r.ok, error: r.error });
const serving = async () => (await getJson(server, '/health', 'api')).body.release as string;

/** Starts ws-probe.py on the server against nginx; resolves once its first greeting came. */
async function startWsProbe(): Promise<{ events: () => Promise<Record<string, unknown>[]> }> {
  const b64 = Buffer.from(await readFile(path.resolve('__tests__/support/ws-probe.py'))).toString('base64');
  await onServer(
    server,
    `echo ${b64} | base64 -d > /tmp/ws-probe.py; rm -f /tmp/ws.out /tmp/ws.ready; ` +
      `nohup python3 /tmp/ws-probe.py --out /tmp/ws.out --ready-file /tmp/ws.ready > /tmp/ws.err 2>&1 < /dev/null & ` +
      `for i in $(seq 200); do [ -f /tmp/ws.ready ] && break; sleep 0.05; done; cat /tmp/ws.err; test -f /tmp/ws.ready`
  );
  return {
    async events() {
      const out = await onServer(
        server,
        `for i in $(seq 300); do grep -q '"reopen"\\|"timeout"' /tmp/ws.out && break; sleep 0.1; done; cat /tmp/ws.out`
      );
      return out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    }
  };
}

test('provision a FastAPI app with uvicorn workers, and a Flask app with gthread beside it', async () => {
  const [a, f] = await Promise.all([
    deploy(server, api, { ...API, mode: 'provision' }),
    deploy(server, flask, GTHREAD)
  ]);
  expect(ok(a.report)).toEqual({ ok: true, error: undefined });
  expect(ok(f.report)).toEqual({ ok: true, error: undefined });
  // Debian ships uvicorn's own worker class (not the uvicorn-worker package): the log says which.
  const candidate = a.report.hosts[0]!.steps.find((s) => s.name === 'candidate');
  expect(candidate?.detail).toContain('(uvicorn.workers.UvicornWorker)');
  const viaNginx = await onServer(server, 'curl -sS http://127.0.0.1/items/7?q=x');
  expect(JSON.parse(viaNginx)).toEqual({ id: 7, q: 'x', release: a.report.hosts[0]!.facts.release });
  // The master's workers are uvicorn's.
  expect(
    await onServer(server, 'grep -c "Using worker: uvicorn.workers.UvicornWorker" /var/log/api/error.log')
  ).not.toBe('0\n');

  // gthread: the rendered config, then the running master: 4 threads in its one worker, and the
  // worker recycled after max-requests (1000 + a jitter of at most 100).
  const conf = await onServer(server, 'cat /etc/shop2/gunicorn.conf.py');
  expect(conf).toMatch(/^worker_class = "gthread"$/m);
  expect(conf).toMatch(/^threads = 4$/m);
  expect(conf).toMatch(/^max_requests = 1000$/m);
  expect(conf).toMatch(/^max_requests_jitter = 100$/m);
  // N requests from each of 20 clients at once, through the app's socket.
  const burst = (n: number) => `python3 - <<'EOF'
import http.client, socket, threading
class C(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX); self.sock.connect("/run/shop2/gunicorn.sock")
def one():
    for _ in range(${n}):
        c = C("localhost"); c.request("GET", "/health"); c.getresponse().read(); c.close()
ts = [threading.Thread(target=one) for _ in range(20)]
[t.start() for t in ts]; [t.join() for t in ts]
EOF`;
  const worker = 'pgrep -P $(systemctl show -p MainPID --value shop2.service)';
  const seen = await onServer(
    server,
    `w=$(${worker}); ${burst(20)}\necho "$w"; ls /proc/$w/task | wc -l; ${burst(45)}\n${worker}`
  );
  // 400 requests: one worker, its main thread and 4 threads; 900 more: past 1000 + at most 100.
  const [first, threads, now] = seen.trim().split('\n');
  expect(threads).toBe('5');
  expect(now).toMatch(/^\d+$/);
  expect(now).not.toBe(first);
});

test('a code-only deploy reloads (HUP) under 100 clients with 0 failed requests; an open WebSocket is closed cleanly and a new one reaches the new release', async () => {
  const pid = await onServer(server, 'systemctl show -p MainPID --value api.service');
  const ws = await startWsProbe();
  await editFile(api, 'main.py', marker('code change 1'));
  const load = await startLoad(server, { app: 'api', clients: 100 });
  const { report } = await deploy(server, api, API);
  const deployed = Date.now() / 1000;
  const counts = await load.stop();
  expect(ok(report)).toEqual({ ok: true, error: undefined });
  const h = report.hosts[0]!;
  expect(h.facts.reload).toBe('hup');
  expect(await onServer(server, 'systemctl show -p MainPID --value api.service')).toBe(pid);
  expect(await serving()).toBe(h.facts.release);
  expect(counts.total).toBeGreaterThan(100);
  expect({ failed: counts.failed, errors: counts.errors }).toEqual({ failed: 0, errors: {} });

  const events = await ws.events();
  const open = events.find((e) => e.event === 'open')!;
  const closed = events.find((e) => e.event === 'closed');
  const reopen = events.find((e) => e.event === 'reopen');
  expect(open.release).toBe(h.facts['previous-release']);
  // A close frame from the old worker (1012: service restart; 1000/1001 would be clean too),
  // before graceful-timeout (10 s) after the deploy ended, never a reset.
  expect(closed).toBeDefined();
  expect([1000, 1001, 1012]).toContain(closed!.code);
  expect(closed!.echoes as number).toBeGreaterThan(0);
  expect(closed!.t as number).toBeLessThan(deployed + 10);
  expect(reopen?.release).toBe(h.facts.release);
});

test('server-sent events pass nginx as they are written (X-Accel-Buffering: no)', async () => {
  // Three events a second apart: within 1.5 s the first has come through nginx, the last has not.
  const got = await onServer(server, `curl -sN -m 1.5 'http://127.0.0.1/events?count=3&every=1' || true`);
  expect(got).toMatch(/^data: 0 /);
  expect(got).not.toMatch(/data: 2 /);
});

test('a dependency change builds a new venv and restarts under 100 clients with 0 failed requests', async () => {
  const pid = await onServer(server, 'systemctl show -p MainPID --value api.service');
  // Satisfied by Debian's packages (starlette comes with python3-fastapi), so pip stays offline.
  await editFile(api, 'requirements.txt', (t) => `${t.trimEnd()}\nstarlette\n`);
  const load = await startLoad(server, { app: 'api', clients: 100 });
  const { report } = await deploy(server, api, API);
  const counts = await load.stop();
  expect(ok(report)).toEqual({ ok: true, error: undefined });
  const h = report.hosts[0]!;
  expect(h.facts.reload).toBe('restart');
  expect(await onServer(server, 'systemctl show -p MainPID --value api.service')).not.toBe(pid);
  expect(await serving()).toBe(h.facts.release);
  expect({ failed: counts.failed, errors: counts.errors }).toEqual({ failed: 0, errors: {} });
});

test('refused before the switch: /health 500, an import error, FastAPI under sync, Flask under uvicorn', async () => {
  const before = await serving();
  const variant = async (edit: (t: string) => string) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-fastapi-v-'));
    await cp(api, dir, { recursive: true });
    await editFile(dir, 'main.py', edit);
    return dir;
  };
  const health500 = await variant((t) =>
    t.replace('return {"status": "ok"', 'raise RuntimeError("broken on purpose")\n    return {"status": "ok"')
  );
  const importError = await variant((t) => `${t}\nimport no_such_module_here\n`);
  // The api's three one after another (one lock), the other app's beside them.
  const apiRefusals = async () => [
    (await deploy(server, health500, API)).report,
    (await deploy(server, importError, API)).report,
    (await deploy(server, api, { ...API, 'worker-class': '' })).report
  ];
  const [[h500, imp, sync], { report: flaskUvicorn }] = await Promise.all([
    apiRefusals(),
    deploy(server, flask, { ...GTHREAD, 'worker-class': 'uvicorn', threads: '' })
  ]);
  expect(h500!.error).toMatch(/refused before the switch: its candidate \/health answered 500/);
  expect(imp!.error).toMatch(/does not load|refused before the switch/);
  expect(imp!.error).toContain('no_such_module_here');
  expect(sync!.error).toMatch(
    /refused before the switch: main:app is an ASGI app .*Gunicorn's sync worker cannot call: set `worker-class: uvicorn`/
  );
  expect(flaskUvicorn!.error).toMatch(
    /app:app is a WSGI app \(like Flask\), which uvicorn's worker cannot call/
  );
  for (const r of [h500, imp, sync, flaskUvicorn]) expect(r!.ok).toBe(false);
  expect(await serving()).toBe(before);
  // The refused sync deploy left the live config as it was.
  expect(await onServer(server, 'grep -c UvicornWorker /etc/api/gunicorn.conf.py')).not.toBe('0\n');
  expect((await getJson(server, '/health', 'shop2')).status).toBe(200);
});

test('gunicorn-settings: bind is refused before any connection', async () => {
  await expect(deploy(server, api, { ...API, 'gunicorn-settings': 'bind = 0.0.0.0:9000' })).rejects.toThrow(
    /input `gunicorn-settings`: bind is refused: this tool owns it/
  );
});

test("verify reads FastAPI's debug flag from the app", async () => {
  // FastAPI's own debug flag, read from the app object (not only /health's JSON).
  const v = await deploy(server, api, { ...API, mode: 'verify' });
  expect(v.report.hosts[0]!.facts.debug).toBe('ok');
  expect(v.lines.join('\n')).toMatch(/app\.debug false/);
});

test('rollback returns to the previous release', async () => {
  const current = await serving();
  const { report } = await deploy(server, api, { ...API, mode: 'rollback' });
  expect(ok(report)).toEqual({ ok: true, error: undefined });
  const h = report.hosts[0]!;
  expect(h.facts['previous-release']).toBe(current);
  expect(await serving()).toBe(h.facts.release);
  expect(h.facts.release < current).toBe(true);
});
