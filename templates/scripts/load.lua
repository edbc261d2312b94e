-- gunicorn-deploy load check (src/loadtest/wrk.ts). args: cap host path...
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
-- Think time (GD_THINK_MS, from the environment: wrk looks for delay() when it loads the script,
-- before init gets the args): only when asked for, wrk then waits that long before each request.
local think = tonumber(os.getenv("GD_THINK_MS") or "0") or 0
if think > 0 then
  function delay()
    return think
  end
end
function response(status, headers, body)
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
  io.write(string.format("gd-wrk responses=%d ok=%d connect=%d read=%d write=%d timeout=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d statuses=%s\n",
    total, good, e.connect, e.read, e.write, e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(codes, ",")))
end
