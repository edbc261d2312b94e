import { shQuote } from '../ssh/quote.js';
import type { LoadSettings } from '../settings.js';

/**
 * The load generator is Debian's wrk, run on the server itself against nginx on 127.0.0.1 (port 80,
 * or 443 when plain HTTP only redirects to HTTPS).
 * wrk is event-driven C: one thread keeps 100 connections busy for a fraction of one core, where
 * a Python client's threads spend the same core on the GIL and add their own waiting to every
 * latency they measure. Its latency histogram has microsecond buckets, so the percentiles are
 * exact. Its own error counters are not enough to make requests = successes + failures (a
 * timeout is counted every 2 s a request is still pending), so a Lua script counts every
 * response by status and stops the run at the requests cap.
 */

/** The Lua script: counts per status, optional think time, and a stop at the cap. */
export function wrkScript(thinkMs: number): string {
  return `-- gunicorn-deploy load check. args: cap host path...
-- Every connection goes to nginx on this server, whatever the URL's name resolves to: the URL
-- carries the site's name so that TLS sends it (SNI; the catch-all refuses a handshake without it).
local gd_resolve = wrk.resolve
function wrk.resolve(host, service)
  return gd_resolve("127.0.0.1", service)
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  cap = tonumber(args[1])
  wrk.headers["Host"] = args[2]
  wrk.headers["User-Agent"] = "gunicorn-deploy-loadtest"
  reqs = {}
  for i = 3, #args do reqs[#reqs + 1] = wrk.format("GET", args[i]) end
  nreq = 0
  n = 0
  ok = 0
  statuses = {}
end
function request()
  nreq = nreq % #reqs + 1
  return reqs[nreq]
end
${thinkMs > 0 ? `function delay()\n  return ${Math.round(thinkMs)}\nend\n` : ''}function response(status, headers, body)
  -- Answers already in hand when the cap stopped the thread are not counted: the cap is exact.
  if n >= cap then return end
  n = n + 1
  if status >= 200 and status < 400 then ok = ok + 1 end
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
  if n >= cap then
    wrk.thread:stop()
    -- wrk's main thread sleeps out the whole duration; SIGINT (wrk's own "stop now") wakes it.
    -- The shell os.execute starts is wrk's child ($PPID is wrk), and it sends the signal a moment
    -- after it returned: system() ignores SIGINT in wrk while it waits for that shell.
    os.execute("(sleep 0.05; kill -INT $PPID) &")
  end
end
function done(summary, latency, requests)
  local total, good, st = 0, 0, {}
  for _, t in ipairs(threads) do
    total = total + t:get("n")
    good = good + t:get("ok")
    for k, v in pairs(t:get("statuses")) do st[k] = (st[k] or 0) + v end
  end
  local codes = {}
  for k, v in pairs(st) do codes[#codes + 1] = k .. ":" .. v end
  local e = summary.errors
  io.write(string.format("gd-wrk responses=%d ok=%d connect=%d read=%d write=%d timeout=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d statuses=%s\\n",
    total, good, e.connect, e.read, e.write, e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(codes, ",")))
end
`;
}

/**
 * Shell: what this server may use. On a machine, /proc/stat and /proc/meminfo; in a container
 * (nspawn, LXC, Docker) those are the host's, so its cgroup's cpu.stat (against the wall clock times
 * the CPUs cpu.max allows) and memory.current less reclaimable page cache against memory.max.
 * (a hybrid host's unified hierarchy has cpu.stat but no memory controller: memory is then the
 * machine's). `cpu_now` prints "total idle" in one unit, `mem_line` "mem PERMILLE"; `gd-source=`
 * says where the CPU comes from.
 */
export function usageFunctions(): string {
  return `cg=; mcg=; virt=$(systemd-detect-virt --container 2>/dev/null || true)
if [ -n "$virt" ] && [ "$virt" != none ]; then
  # cgroup2, or the unified half of a hybrid host (cpu.stat is there without any controller).
  for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    if grep -q '^usage_usec ' "$d/cpu.stat" 2>/dev/null; then cg=$d; break; fi
  done
  [ -n "$cg" ] && [ -r "$cg/memory.current" ] && mcg=$cg
fi
if [ -n "$cg" ]; then
  read -r quota period < "$cg/cpu.max" 2>/dev/null || quota=max
  if [ "$quota" = max ]; then cpum=$(( $(nproc) * 1000 )); else cpum=$(( quota * 1000 / period )); fi
  t_start=$(date +%s%6N)
  echo "gd-source=cgroup"
else
  echo "gd-source=machine"
fi
if [ -n "$mcg" ]; then
  memmax=$(cat "$mcg/memory.max" 2>/dev/null || echo max)
  [ "$memmax" = max ] && memmax=$(( $(awk '/^MemTotal:/{print $2}' /proc/meminfo) * 1024 ))
fi
cpu_now() {
  if [ -n "$cg" ]; then
    local u t; u=$(awk '$1=="usage_usec"{print $2}' "$cg/cpu.stat"); t=$(( ($(date +%s%6N) - t_start) * cpum / 1000 ))
    echo "$t $(( t - u ))"
  else
    local u n s i w q sq st; read -r _ u n s i w q sq st _ < /proc/stat
    echo "$((u+n+s+i+w+q+sq+st)) $((i+w))"
  fi
}
mem_line() {
  if [ -n "$mcg" ]; then
    local cur ina; cur=$(cat "$mcg/memory.current"); ina=$(awk '$1=="inactive_file"{print $2}' "$mcg/memory.stat" 2>/dev/null)
    echo "mem $(( (cur - \${ina:-0}) * 1000 / memmax ))"
  else
    awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{if (t>0) print "mem", int((t-a)*1000/t)}' /proc/meminfo
  fi
}`;
}

/** What the CPU and memory figures are of: the machine, or (in a container) its cgroup. */
export function sourceOf(stdout: string): 'cgroup' | 'machine' {
  return /^gd-source=cgroup$/m.test(stdout) ? 'cgroup' : 'machine';
}

/** A level's wall time limit on the server: wrk's own duration, then it is killed. */
export function levelSeconds(s: LoadSettings): number {
  return Math.max(1, Math.round(s.levelMs / 1000));
}

/**
 * One script for every level: wrk (one thread: the server keeps the other cores) with a sampler of
 * CPU and memory (usageFunctions) every 0.5 s beside it, whose peaks are the server's, load
 * generator included. Levels run one after another with a short pause, so each starts from a
 * quiet server. A request may take at most the level's length plus 5 s (65 s at most: wrk's
 * histogram is allocated for its timeout, and nginx answers 504 after 60 s anyway).
 */
export function loadScript(s: LoadSettings, host: string, paths: string[]): string {
  const secs = levelSeconds(s);
  const timeoutS = Math.min(secs + 5, 65);
  const args = [String(s.maxRequests), host, ...paths].map(shQuote).join(' ');
  return `command -v wrk >/dev/null || { echo "gd-missing=wrk"; exit 3; }
tmp=$(mktemp -d /tmp/gd-load.XXXXXX)
sp=
trap '[ -n "$sp" ] && kill "$sp" 2>/dev/null; rm -rf "$tmp"' EXIT
cat > "$tmp/load.lua" <<'GD_LOAD_LUA'
${wrkScript(s.thinkMs)}GD_LOAD_LUA
${usageFunctions()}
sample() {
  local t id pt pi
  read -r pt pi <<< "$(cpu_now)"
  while sleep 0.5; do
    read -r t id <<< "$(cpu_now)"
    [ "$t" -gt "$pt" ] && echo "cpu $(( ((t-pt)-(id-pi))*1000/(t-pt) ))"
    pt=$t; pi=$id
    mem_line
  done
}
stat() { cpu_now; }
# A site whose plain HTTP only redirects to HTTPS (tls) is measured over HTTPS: 127.0.0.1:443 with
# the same Host and SNI (wrk does not check certificates), never its redirects.
url=http://127.0.0.1:80; wurl=$url
probe=$(curl -sS -o /dev/null -m 10 -w '%{http_code} %{redirect_url}' -H ${shQuote(`Host: ${host}`)} ${shQuote(`http://127.0.0.1${paths[0] ?? '/'}`)} 2>/dev/null || true)
case "$probe" in "30"[1278]" https://"*) url=https://127.0.0.1:443; wurl=https://${shQuote(host)}:443 ;; esac
echo "gd-target=$url"
TIMEFORMAT='gd-time %3U %3S %3R'
for c in ${s.clients.join(' ')}; do
  sample > "$tmp/s.$c" & sp=$!
  read -r t0 i0 <<< "$(stat)"
  rc=0
  # bash's time: the CPU wrk itself used (user, system, wall), its share of the machine's load.
  { time { timeout --kill-after=5 ${secs + 30} wrk -t 1 -c "$c" -d ${secs}s --timeout ${timeoutS}s -s "$tmp/load.lua" "$wurl" -- ${args} > "$tmp/w.$c" 2>&1 || rc=$?; }; } 2> "$tmp/t.$c"
  gen=$(awk '$1=="gd-time" && $4>0 {print int(($2+$3)*1000/$4)}' "$tmp/t.$c")
  kill "$sp" 2>/dev/null || true; wait "$sp" 2>/dev/null || true; sp=
  # The level as a whole counts too: a level the cap ends in under 0.5 s has no sample of its own.
  read -r t1 i1 <<< "$(stat)"
  [ "$t1" -gt "$t0" ] && echo "cpu $(( ((t1-t0)-(i1-i0))*1000/(t1-t0) ))" >> "$tmp/s.$c"
  mem_line >> "$tmp/s.$c"
  cpu=$(awk '$1=="cpu" && $2>m {m=$2} END{print m+0}' "$tmp/s.$c")
  mem=$(awk '$1=="mem" && $2>m {m=$2} END{print m+0}' "$tmp/s.$c")
  echo "gd-level clients=$c rc=$rc cpu_permille=$cpu mem_permille=$mem gen_permille=\${gen:-0}"
  grep '^gd-wrk ' "$tmp/w.$c" || tail -n 5 "$tmp/w.$c" | sed 's/^/gd-wrk-out /'
  sleep 1
done
`;
}

/** One level's figures, as the table shows them. */
export interface LevelResult {
  clients: number;
  /** Every request that got an answer or an error: successes + failures. */
  requests: number;
  successes: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  rps: number;
  /** Peaks of the whole machine during the level, percent. */
  cpuPeak: number;
  memoryPeak: number;
  /** CPU wrk itself used during the level, percent of one core (part of cpuPeak). */
  generatorCpu: number;
  /** Stopped by the requests cap before its duration. */
  capped: boolean;
  /** Answers by HTTP status, and connection errors by kind. */
  statuses: Record<string, number>;
  errors: Record<string, number>;
  /** What wrk said when it printed no figures (a failed start). */
  problem?: string;
}

const num = (v: string | undefined): number => (v && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : 0);

function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.split(' ').slice(1)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Where the levels were sent: http://127.0.0.1:80, or :443 over HTTPS for a site that redirects. */
export function targetOf(stdout: string): string {
  return /^gd-target=(https?:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1] ?? 'http://127.0.0.1:80';
}

/** The script's output -> one result per level, in the order run. */
export function parseLoadOutput(stdout: string, cap: number): LevelResult[] {
  const levels: LevelResult[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('gd-level ')) {
      const f = fields(line);
      levels.push({
        clients: num(f.clients),
        requests: 0,
        successes: 0,
        failures: 0,
        p50Ms: 0,
        p95Ms: 0,
        p99Ms: 0,
        maxMs: 0,
        rps: 0,
        cpuPeak: num(f.cpu_permille) / 10,
        memoryPeak: num(f.mem_permille) / 10,
        generatorCpu: num(f.gen_permille) / 10,
        capped: false,
        statuses: {},
        errors: {},
        problem:
          num(f.rc) !== 0
            ? `wrk exited ${f.rc}${f.rc === '124' ? ' (killed at its time limit)' : ''}`
            : undefined
      });
      continue;
    }
    const level = levels.at(-1);
    if (!level) continue;
    if (line.startsWith('gd-wrk-out ')) {
      level.problem = [level.problem, line.slice('gd-wrk-out '.length)].filter(Boolean).join('; ');
    } else if (line.startsWith('gd-wrk ')) {
      const f = fields(line);
      const errors: Record<string, number> = {};
      for (const k of ['connect', 'read', 'write', 'timeout']) if (num(f[k]) > 0) errors[k] = num(f[k]);
      const statuses: Record<string, number> = {};
      for (const pair of (f.statuses ?? '').split(',')) {
        const [code, count] = pair.split(':');
        if (code && /^\d{3}$/.test(code)) statuses[code] = num(count);
      }
      const responses = num(f.responses);
      const requests = responses + Object.values(errors).reduce((a, b) => a + b, 0);
      const durationS = num(f.duration_us) / 1e6;
      Object.assign(level, {
        requests,
        successes: num(f.ok),
        failures: requests - num(f.ok),
        p50Ms: round1(num(f.p50_us) / 1000),
        p95Ms: round1(num(f.p95_us) / 1000),
        p99Ms: round1(num(f.p99_us) / 1000),
        maxMs: round1(num(f.max_us) / 1000),
        rps: durationS > 0 ? round1(responses / durationS) : 0,
        capped: responses >= cap,
        statuses,
        errors,
        // Figures came: an exit code from wrk alone is not a failed level.
        problem: undefined
      });
    }
  }
  return levels;
}
