# Runs on the sandbox server during one traced deploy (speed.bench.ts, its critical-path test):
# every 3 ms, which processes started or ended (pid, parent, command line), so the candidate's
# Gunicorn, the app's new and old workers, systemctl and curl show on one clock with the runner's
# events (the sandbox shares the host's clock). Stops when STOP_FILE appears; prints JSON lines.
import json, os, sys, time

stop = sys.argv[1]
seen = {}
out = []

def cmd(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            c = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        with open(f"/proc/{pid}/stat") as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        return c[:160], ppid
    except OSError:
        return None

me = os.getpid()
while not os.path.exists(stop):
    t = time.time() * 1000
    pids = {int(p) for p in os.listdir("/proc") if p.isdigit()}
    for pid in pids - seen.keys():
        if pid == me:
            continue
        c = cmd(pid)
        if c and c[0]:
            seen[pid] = c
            out.append([t, "start", pid, c[1], c[0]])
    for pid in list(seen.keys() - pids):
        out.append([t, "end", pid, seen[pid][1], seen.pop(pid)[0]])
    time.sleep(0.003)
for e in out:
    print(json.dumps(e))
