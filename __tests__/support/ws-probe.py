#!/usr/bin/env python3
"""A WebSocket client run on the server (Debian's python3-websockets): connects, records the
release the app greets it with, echoes a message every 0.2 s until the server closes the
connection (recording the close code and when), then connects again and records the new greeting.
One JSON line per event in --out; --ready-file appears after the first greeting."""
import argparse, json, time
from websockets.sync.client import connect
from websockets.exceptions import ConnectionClosed

p = argparse.ArgumentParser()
p.add_argument('--url', default='ws://127.0.0.1/ws')
p.add_argument('--out', required=True)
p.add_argument('--ready-file', required=True)
p.add_argument('--seconds', type=float, default=120)
a = p.parse_args()
deadline = time.time() + a.seconds


def log(**event):
    event['t'] = time.time()
    with open(a.out, 'a') as f:
        f.write(json.dumps(event) + '\n')


ws = connect(a.url, open_timeout=10)
log(event='open', release=json.loads(ws.recv(timeout=10))['release'])
open(a.ready_file, 'w').close()
echoes = 0
try:
    while time.time() < deadline:
        ws.send('ping')
        if ws.recv(timeout=10) != 'ping':
            log(event='bad-echo')
        echoes += 1
        time.sleep(0.2)
    log(event='timeout', echoes=echoes)
    raise SystemExit(1)
except ConnectionClosed as e:
    rcvd = e.rcvd
    log(event='closed', echoes=echoes, code=rcvd.code if rcvd else None, reason=rcvd.reason if rcvd else None)
except Exception as e:  # anything else (a reset, a timeout) is not a clean close
    log(event='error', echoes=echoes, error=repr(e))
while time.time() < deadline:
    try:
        ws = connect(a.url, open_timeout=10)
        log(event='reopen', release=json.loads(ws.recv(timeout=10))['release'])
        ws.close()
        break
    except Exception as e:
        log(event='retry', error=repr(e))
        time.sleep(0.5)
