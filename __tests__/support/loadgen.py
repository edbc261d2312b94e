#!/usr/bin/env python3
"""A bounded load loop for zero-downtime checks, run on the server itself against the app's unix
socket (or a TCP port). Every request is a new connection, as separate clients would make, and every
response is counted. It stops by itself: at --seconds, at --max-requests, or when --stop-file
appears. Prints one JSON object with the counts."""
import argparse, http.client, json, os, socket, threading, time
from collections import Counter

p = argparse.ArgumentParser()
p.add_argument('--unix', help='unix socket path')
p.add_argument('--host', default='127.0.0.1')
p.add_argument('--port', type=int, default=80)
p.add_argument('--path', default='/health')
p.add_argument('--ok', type=int, default=200, help='the status that counts as success')
p.add_argument('--clients', type=int, default=20)
p.add_argument('--seconds', type=float, default=60)
p.add_argument('--max-requests', type=int, default=200000)
p.add_argument('--stop-file', default='')
p.add_argument('--ready-file', default='')
a = p.parse_args()
a.seconds = min(a.seconds, 600)


class UnixConn(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__('localhost', timeout=30)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        s.connect(self.unix_path)
        self.sock = s


lock = threading.Lock()
counts = Counter()
errors = Counter()
releases = Counter()
latencies = []
deadline = time.monotonic() + a.seconds
total = [0]


def stop():
    return time.monotonic() > deadline or (a.stop_file and os.path.exists(a.stop_file)) or total[0] >= a.max_requests


def client():
    while not stop():
        t0 = time.monotonic()
        try:
            c = UnixConn(a.unix) if a.unix else http.client.HTTPConnection(a.host, a.port, timeout=30)
            c.request('GET', a.path, headers={'Connection': 'close'})
            r = c.getresponse()
            body = r.read()
            c.close()
            key = str(r.status)
            rel = ''
            if r.status == a.ok and body[:1] == b'{':
                try:
                    rel = json.loads(body).get('release', '')
                except ValueError:
                    pass
        except Exception as e:  # every failure is counted, by kind
            key = 'error'
            with lock:
                errors[type(e).__name__ + ': ' + str(e)[:80]] += 1
            rel = ''
        with lock:
            counts[key] += 1
            total[0] += 1
            latencies.append(time.monotonic() - t0)
            if rel:
                releases[rel] += 1


threads = [threading.Thread(target=client, daemon=True) for _ in range(a.clients)]
for t in threads:
    t.start()
if a.ready_file:
    open(a.ready_file, 'w').close()
for t in threads:
    t.join()
latencies.sort()
ok = counts.get(str(a.ok), 0)
print(json.dumps({
    'total': total[0], 'ok': ok, 'failed': total[0] - ok, 'by_status': counts, 'errors': errors,
    'releases': releases, 'p50_ms': round(latencies[len(latencies) // 2] * 1000, 1) if latencies else None,
    'max_ms': round(latencies[-1] * 1000, 1) if latencies else None,
}))
