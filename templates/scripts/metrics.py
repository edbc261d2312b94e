# metrics.py: run by root every 15 s (APP-metrics.timer); src/metrics/program.ts says what it does.
import errno, json, math, os, pwd, re, resource, stat, subprocess, sys, time
APP, SERVICE, SOCKET, ACCESS_LOG, HISTORY, CURRENT, STATE, OUTDIR = sys.argv[1:9]
MAX_READ = 8 << 20
WINDOW_S, SLOT_S = 60, 5
SAMPLES, SAMPLE_GAP_S = 10, 0.1
RATIO = 1.04
now = time.time()
class Refused(Exception): pass
def uid(name):
    try: return pwd.getpwnam(name).pw_uid
    except KeyError: return -1
def open_checked(path, owners):
    """A regular file with one link, owned by one of owners, opened without following a link."""
    d, name = os.path.split(path)
    try: dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError: return None
    try:
        try: fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, dir_fd=dfd)
        except FileNotFoundError: return None
        except OSError as e: raise Refused("%s: %s" % (path, "a symbolic link" if e.errno == errno.ELOOP else e.strerror))
    finally: os.close(dfd)
    st = os.fstat(fd)
    why = None
    if not stat.S_ISREG(st.st_mode): why = "not a regular file"
    elif st.st_nlink != 1: why = "has %d hard links" % st.st_nlink
    elif st.st_uid not in owners: why = "owned by uid %d" % st.st_uid
    if why: os.close(fd); raise Refused("%s: %s" % (path, why))
    return fd, st
def read_new(path, owners, mark):
    """Complete lines appended since mark (ino, offset); a new file (rotated) is read from its start."""
    try: opened = open_checked(path, owners)
    except Refused as e:
        # Left unread (and said in the journal); the other figures are still written.
        print("not read: %s" % e, file=sys.stderr); return [], mark, False
    if opened is None: return [], {"ino": 0, "off": 0}, True
    fd, st = opened
    try:
        ino, off = mark.get("ino"), mark.get("off", 0)
        fresh = ino != st.st_ino or off > st.st_size
        if fresh: off = 0
        if st.st_size - off > MAX_READ: off = st.st_size - MAX_READ
        os.lseek(fd, off, os.SEEK_SET)
        data, left = b"", st.st_size - off
        while left > 0:
            b = os.read(fd, min(left, 1 << 20))
            if not b: break
            data += b; left -= len(b)
        end = data.rfind(b"\n") + 1
        return data[:end].decode("utf-8", "replace").splitlines(), {"ino": st.st_ino, "off": off + end}, fresh
    finally: os.close(fd)
def load_state():
    try:
        with open(STATE) as f: s = json.load(f)
        return s if isinstance(s, dict) else {}
    except (OSError, ValueError): return {}
state = load_state()
# nginx's access log: the gunicorn_deploy format, '[07/Dec/2026:07:03:01 +0000] "GET / HTTP/1.1" 200 ... rt=0.004 urt=0.003'
LINE = re.compile(r'\[(\d\d)/(\w\w\w)/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)\] "[^"]*" (\d{3}) .* rt=([\d.]+) urt=(.*)$')
MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
import calendar
def epoch(m):
    t = calendar.timegm((int(m.group(3)), MONTHS.get(m.group(2), 1), int(m.group(1)), int(m.group(4)), int(m.group(5)), int(m.group(6))))
    off = (int(m.group(8)) * 3600 + int(m.group(9)) * 60) * (1 if m.group(7) == "+" else -1)
    return t - off
def bucket(seconds):
    ms = seconds * 1000.0
    return 0 if ms <= 1 else int(math.ceil(math.log(ms) / math.log(RATIO)))
def bucket_s(b): return 0.001 if b == 0 else (RATIO ** b) / 1000.0
slots = {int(k): v for k, v in state.get("slots", {}).items() if int(k) * SLOT_S > now - WINDOW_S - SLOT_S}
lines, logmark, _ = read_new(ACCESS_LOG, {uid("www-data"), 0}, state.get("log", {}))
stamps = {}
for line in lines:
    m = LINE.search(line)
    if not m: continue
    key = line[m.start(1) - 1:m.start(1) + 27]
    t = stamps.get(key)
    if t is None: t = stamps[key] = epoch(m)
    if t <= now - WINDOW_S: continue
    slot = slots.setdefault(int(t // SLOT_S), {"n": 0, "e": 0, "us": 0.0, "rt": {}, "ut": {}})
    slot["n"] += 1
    if m.group(10).startswith("5"): slot["e"] += 1
    rt = float(m.group(11)); b = str(bucket(rt)); slot["rt"][b] = slot["rt"].get(b, 0) + 1
    ut = re.findall(r"[\d.]+", m.group(12))
    if ut:
        u = sum(float(x) for x in ut); slot["us"] += u
        b = str(bucket(u)); slot["ut"][b] = slot["ut"].get(b, 0) + 1
window = [s for k, s in slots.items() if k * SLOT_S > now - WINDOW_S]
def quantiles(field):
    h = {}
    for s in window:
        for b, c in s[field].items(): h[int(b)] = h.get(int(b), 0) + c
    n = sum(h.values())
    out = {}
    for q in (0.5, 0.95, 0.99):
        if n == 0: out[q] = float("nan"); continue
        rank, cum = math.ceil(q * n), 0
        for b in sorted(h):
            cum += h[b]
            if cum >= rank: out[q] = bucket_s(b); break
    return out
# The history: deploys and rollbacks by outcome, and the commit each release was deployed from.
hist = state.get("history", {"mark": {}, "deploys": {}, "rollbacks": {}, "commits": {}})
hlines, hmark, fresh = read_new(HISTORY, {0}, hist.get("mark", {}))
if fresh: hist = {"deploys": {}, "rollbacks": {}, "commits": {}}
OUTCOME = re.compile(r"^[a-z][a-z-]{0,30}$")
for line in hlines:
    try: e = json.loads(line)
    except ValueError: continue
    if not isinstance(e, dict): continue
    ev, status = e.get("event"), e.get("status") if OUTCOME.match(str(e.get("status", ""))) else "other"
    if ev == "deploy": hist["deploys"][status] = hist["deploys"].get(status, 0) + 1
    elif ev == "rollback": hist["rollbacks"][status] = hist["rollbacks"].get(status, 0) + 1
    # A release's commit never changes: any line naming both says it (a rollback's line may lack it).
    if isinstance(e.get("release"), str) and isinstance(e.get("commit"), str) and e["commit"]:
        hist["commits"][e["release"]] = str(e.get("commit", ""))[:64]
        while len(hist["commits"]) > 50: hist["commits"].pop(next(iter(hist["commits"])))
hist["mark"] = hmark
# The service: its workers, restarts, OOM kills.
props = {}
try:
    r = subprocess.run(["systemctl", "show", SERVICE, "-p", "MainPID", "-p", "NRestarts", "-p", "ControlGroup"], capture_output=True, text=True, timeout=5)
    for l in r.stdout.splitlines():
        k, _, v = l.partition("="); props[k] = v
except (OSError, subprocess.SubprocessError): pass
main = int(props.get("MainPID", "0") or 0)
def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f: return [int(x) for x in f.read().split()]
    except (OSError, ValueError): return []
workers = children(main) if main > 0 else []
def sockets_of(pid):
    out = set()
    try: fds = os.listdir("/proc/%d/fd" % pid)
    except OSError: return out
    for fd in fds:
        try: l = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError: continue
        if l.startswith("socket:["): out.add(l[8:-1])
    return out
def look():
    accepted, queued = set(), 0
    with open("/proc/net/unix") as f:
        next(f, None)
        for l in f:
            p = l.split()
            if len(p) >= 8 and p[7] == SOCKET and p[5] != "01":
                if p[6] == "0": queued += 1
                else: accepted.add(p[6])
    busy = sum(1 for w in workers if sockets_of(w) & accepted) if accepted else 0
    return busy, queued
looks = []
for i in range(SAMPLES if workers else 0):
    if i: time.sleep(SAMPLE_GAP_S)
    looks.append(look())
oom = float("nan")
cg = props.get("ControlGroup", "")
if cg.startswith("/") and ".." not in cg:
    try:
        with open("/sys/fs/cgroup%s/memory.events" % cg) as f:
            for l in f:
                k, _, v = l.partition(" ")
                if k == "oom_kill": oom = int(v)
    except (OSError, ValueError): pass
release = ""
try: release = os.path.basename(os.readlink(CURRENT))
except OSError: pass
try: since = os.lstat(CURRENT).st_mtime
except OSError: since = float("nan")
# The text file.
def esc(v): return str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
def num(v):
    if isinstance(v, float) and math.isnan(v): return "NaN"
    # repr: the shortest exact form (a timestamp keeps its seconds; "%g" would round them away).
    return ("%d" % v) if isinstance(v, int) else repr(float(v))
out = []
def metric(name, kind, help_, rows):
    out.append("# HELP gunicorn_deploy_%s %s" % (name, help_))
    out.append("# TYPE gunicorn_deploy_%s %s" % (name, kind))
    for labels, v in rows:
        ls = ",".join('%s="%s"' % (k, esc(x)) for k, x in [("app", APP)] + labels)
        out.append("gunicorn_deploy_%s{%s} %s" % (name, ls, num(v)))
metric("release_info", "gauge", "The release serving and its commit.", [([("release", release), ("commit", hist["commits"].get(release, ""))], 1)] if release else [])
metric("release_since_timestamp_seconds", "gauge", "When the serving release was switched to.", [([], since)])
metric("deploys_total", "counter", "Deploys in the server's history, by outcome.", [([("outcome", k)], v) for k, v in sorted(hist["deploys"].items())])
metric("rollbacks_total", "counter", "Rollbacks in the server's history (mode rollback and a deploy's own), by outcome.", [([("outcome", k)], v) for k, v in sorted(hist["rollbacks"].items())])
metric("workers", "gauge", "Gunicorn workers of the service.", [([], len(workers))])
metric("workers_busy", "gauge", "Workers holding a request: the mean of %d looks %.1f s apart." % (SAMPLES, SAMPLE_GAP_S), [([], (sum(b for b, _ in looks) / len(looks)) if looks else 0.0)])
metric("workers_busy_max", "gauge", "Workers holding a request: the most in those looks.", [([], max((b for b, _ in looks), default=0))])
metric("requests_queued_max", "gauge", "Requests waiting in the socket's backlog for a free worker: the most in those looks.", [([], max((q for _, q in looks), default=0))])
n = sum(s["n"] for s in window)
metric("requests_last_minute", "gauge", "Requests nginx answered for the app in the last minute.", [([], n)])
metric("responses_5xx_last_minute", "gauge", "Of those, answers with a 5xx status.", [([], sum(s["e"] for s in window))])
metric("upstream_busy_last_minute", "gauge", "Mean requests in flight at the app over the last minute (sum of upstream times / 60 s).", [([], sum(s["us"] for s in window) / WINDOW_S)])
rq, uq = quantiles("rt"), quantiles("ut")
metric("request_seconds", "gauge", "Request time as nginx saw it, last minute, by quantile.", [([("quantile", str(q))], v) for q, v in rq.items()])
metric("upstream_seconds", "gauge", "The app's response time as nginx saw it, last minute, by quantile.", [([("quantile", str(q))], v) for q, v in uq.items()])
metric("service_restarts", "gauge", "Restarts of the service by systemd (NRestarts).", [([], int(props.get("NRestarts", "0") or 0))])
metric("oom_kills", "gauge", "Processes of the service killed for memory (its cgroup's oom_kill).", [([], oom)])
ru, rc = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
metric("metrics_cpu_seconds", "gauge", "CPU time this job took on its last run.", [([], ru.ru_utime + ru.ru_stime + rc.ru_utime + rc.ru_stime)])
metric("metrics_timestamp_seconds", "gauge", "When this file was written.", [([], time.time())])
text = ("\n".join(out) + "\n").encode()
dfd = os.open(OUTDIR, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
st = os.fstat(dfd)
if st.st_uid != 0 or st.st_mode & 0o022:
    print("refusing to write into %s: not root's alone" % OUTDIR, file=sys.stderr); sys.exit(2)
tmp = ".%s.prom.%d" % (APP, os.getpid())
try: os.unlink(tmp, dir_fd=dfd)
except FileNotFoundError: pass
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dfd)
try:
    os.write(fd, text); os.fchmod(fd, 0o644)
finally: os.close(fd)
os.rename(tmp, "%s.prom" % APP, src_dir_fd=dfd, dst_dir_fd=dfd)
state = {"log": logmark, "slots": slots, "history": hist}
with open(STATE + ".new", "w") as f: json.dump(state, f)
os.replace(STATE + ".new", STATE)
