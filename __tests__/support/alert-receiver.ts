import type { SandboxServer } from '../../src/sandbox/index.js';
import { onServer } from './deploy.js';

// A small alert receiver on a sandbox server (python3 http.server on 127.0.0.1:9911): it records
// each POSTed body in /tmp/alerts.jsonl and answers 204 after a second (so a test can look at the
// processes while curl waits).

export const RECEIVER_PORT = 9911;

const RECEIVER = `
import http.server, json, time
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open("/tmp/alerts.jsonl", "ab") as f:
            f.write(json.dumps({"path": self.path, "type": self.headers.get("Content-Type"), "body": json.loads(body)}).encode() + b"\\n")
        time.sleep(1)
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", ${RECEIVER_PORT}), H).serve_forever()
`;

export async function startReceiver(server: SandboxServer): Promise<void> {
  const b64 = Buffer.from(RECEIVER).toString('base64');
  await onServer(
    server,
    `echo ${b64} | base64 -d > /tmp/receiver.py; setsid nohup python3 /tmp/receiver.py >/tmp/receiver.log 2>&1 < /dev/null &
for i in $(seq 50); do ss -Htln "sport = :${RECEIVER_PORT}" | grep -q . && break; sleep 0.1; done`
  );
}

export interface Received {
  path: string;
  type: string;
  body: { app: string; host: string; event: string; detail: string; time: string; text: string };
}

export async function received(server: SandboxServer): Promise<Received[]> {
  const out = await onServer(server, 'cat /tmp/alerts.jsonl 2>/dev/null || true');
  return out
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Received);
}

/** The first alert EVENT (whose detail matches, when given) received; fails after timeoutMs. */
export async function waitForEvent(
  server: SandboxServer,
  event: string,
  detail?: RegExp,
  timeoutMs = 30_000
): Promise<Received> {
  const deadline = Date.now() + timeoutMs;
  const fits = (r: Received): boolean => r.body.event === event && (!detail || detail.test(r.body.detail));
  while (Date.now() < deadline) {
    const hit = (await received(server)).find(fits);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `no alert ${event}${detail ? ` matching ${detail}` : ''} within ${timeoutMs} ms; received: ${JSON.stringify(await received(server))}`
  );
}

/** How many alerts EVENT (whose detail matches, when given) arrived. */
export async function countEvents(server: SandboxServer, event: string, detail?: RegExp): Promise<number> {
  return (await received(server)).filter(
    (r) => r.body.event === event && (!detail || detail.test(r.body.detail))
  ).length;
}
