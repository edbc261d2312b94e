import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, onServer } from '../support/deploy.js';

// Deploy notifications: a receiver on the server records every POST; another never answers.
let server: SandboxServer;
const COMMIT = 'abcdef0123456789abcdef0123456789abcdef01';

const RECEIVER = `
import http.server, json, socket, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        with open('/tmp/notes.jsonl', 'ab') as f:
            f.write(body + b'\\n')
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
def silent():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', 8098)); s.listen(16); held = []
    while True:
        c, _ = s.accept(); held.append(c)  # accepted, never answered
threading.Thread(target=silent, daemon=True).start()
http.server.ThreadingHTTPServer(('0.0.0.0', 8097), H).serve_forever()
`;

beforeAll(async () => {
  server = await bootServer();
  const b64 = Buffer.from(RECEIVER).toString('base64');
  await onServer(
    server,
    `echo ${b64} | base64 -d > /tmp/receiver.py; nohup python3 /tmp/receiver.py > /tmp/receiver.log 2>&1 < /dev/null & ` +
      'for i in $(seq 50); do curl -s -o /dev/null -X POST -d x http://127.0.0.1:8097/ready && break; sleep 0.1; done; rm -f /tmp/notes.jsonl'
  );
});
afterAll(async () => {
  if (server) await stopServer(server);
});

async function notes(): Promise<Record<string, unknown>[]> {
  const text = await onServer(server, 'cat /tmp/notes.jsonl 2>/dev/null; rm -f /tmp/notes.jsonl');
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('start and end messages of a deployed, a refused and a rolled-back deploy, with every field', async () => {
  process.env.GITHUB_ACTOR = 'notified-actor';
  const app = await appCopy();
  const hook = `http://${server.host}:8097/hook`;
  const first = await deploy(server, app, { commit: COMMIT, 'notify-webhook': hook });
  expect(first.report.error).toBeUndefined();
  // The URL is a secret: never in the log.
  expect(first.lines.join('\n')).not.toContain(':8097');
  const ok = await notes();
  expect(ok.map((n) => [n.event, n.outcome])).toEqual([
    ['deploy-started', 'started'],
    ['deploy-ended', 'deployed']
  ]);
  expect(ok[1]).toEqual({
    event: 'deploy-ended',
    outcome: 'deployed',
    app: 'shop',
    servers: [server.host],
    release: first.report.hosts[0]!.facts.release,
    previous: '',
    commit: COMMIT,
    actor: 'notified-actor',
    origin: expect.stringMatching(/^cli@/),
    run: '',
    duration_s: expect.any(Number),
    reason: '',
    text: expect.stringContaining(`shop: deployed ${first.report.hosts[0]!.facts.release} (abcdef0)`),
    content: expect.any(String)
  });

  // Refused: the import check fails before any switch.
  await editFile(app, 'app.py', (t) => `${t}\nraise RuntimeError("broken on import")\n`);
  const refused = await deploy(server, app, { commit: COMMIT, 'notify-webhook': hook });
  expect(refused.report.ok).toBe(false);
  const r = await notes();
  expect(r.map((n) => [n.event, n.outcome])).toEqual([
    ['deploy-started', 'started'],
    ['deploy-ended', 'refused']
  ]);
  expect(r[1]!.reason).toMatch(/./);

  // Rolled back: healthy as a candidate, unhealthy once live.
  await editFile(
    app,
    'app.py',
    (t) =>
      t.replace('raise RuntimeError("broken on import")', '') +
      '\nimport os as _os\n@app.before_request\ndef _fail_live():\n    if request.path == "/health" and _os.environ.get("PWD", "").endswith("/current"):\n        return "no", 500\n'
  );
  const back = await deploy(server, app, { commit: COMMIT, 'notify-webhook': hook });
  expect(back.report.hosts[0]!.facts['rolled-back']).toBe('true');
  const b = await notes();
  expect(b.map((n) => [n.event, n.outcome])).toEqual([
    ['deploy-started', 'started'],
    ['deploy-ended', 'rolled back']
  ]);
  expect(b[1]!.text).toMatch(/^shop: deploy rolled back/);
}, 300_000);

test('a receiver that never answers delays the deploy by less than 1 s, with a warning', async () => {
  const app = await appCopy();
  await editFile(app, 'app.py', (t) => `${t}\n# silent receiver\n`);
  const t0 = performance.now();
  const { report, lines } = await deploy(server, app, {
    'notify-webhook': `http://${server.host}:8098/hook`
  });
  const wall = performance.now() - t0;
  expect(report.error).toBeUndefined();
  // report.ms is the deploy itself; the rest is the engine's wait for the notifications.
  expect(wall - report.ms).toBeLessThan(1000);
  expect(lines.join('\n')).toMatch(/deploy notification not delivered \(deploy-ended: no answer/);
}, 300_000);
