# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The proof of a switched release (src/steps/verify.ts): as many new worker processes as the config
# asks for, each working in the release, and the health path answering 200 (with $health_expect in
# the body) through the app's socket. Prologue: release_dir old_workers master last_switch
# gunicorn_conf service socket health_url health_expect health_expect_shown timeout_s grace_ms.
# Before it (the caller's text): children, ms, nap, running, read_kv, and record_live (the release
# recorded live).
# The master's PID when the switch learned it and a HUP kept it (given, or 'saved' below); 0: asked
# of systemd at the first look. A start or restart makes a new master: then always asked.
main=${master:-0}
# 'saved': as the switch sent with this verify wrote them (read by bash, no process started).
if [ "$old_workers" = saved ]; then
  main=0
  read_kv "$last_switch" 2>/dev/null || true
  old_workers=${kv[old_workers]-}
  [ "${kv[reload]-}" != hup ] || main=${kv[master]:-0}
fi
case "$main" in '' | *[!0-9]*) main=0 ;; esac
old=" $old_workers "
# Old workers may finish their requests for up to graceful_timeout; the new ones must all be there.
# The count from the config's `workers = N` line (fields split as awk would; the last such line),
# read by bash itself.
expected=""; k=""
while read -r k eq v _ || [ -n "$k" ]; do
  if [ "$k" = workers ] && [ "$eq" = "=" ]; then expected=$v; fi
  k=""
done 2>/dev/null < "$gunicorn_conf" || true
expected=${expected:-1}
body=$(mktemp)
# Proven: the release is recorded live (a rollback target from now on).
proven() {
  record_live
  echo "workers=$fresh"; echo "health=200"; exit 0
}
# The master back in its main loop's select (Arbiter.sleep). Once every new worker of a reload is
# there, this means the reload has returned: Gunicorn forks the new workers and then, in the same
# call, sends TERM to the old ones, which take no new request once it arrives (a worker's select
# wakes on its signal pipe and the loop ends). The kernel names that wait poll_schedule_timeout
# (or do_select); a running master, or a kernel that hides wchan, reads otherwise: then the grace.
master_idle() {
  local wchan=""
  read -r wchan < "/proc/$1/wchan" 2>/dev/null || true
  case "$wchan" in *poll_schedule_timeout* | *do_select*) return 0 ;; esac
  return 1
}
# Whatever ends this script early, it says why.
trap 'rc=$?; rm -f "$body"; [ $rc = 0 ] || [ -n "${reported:-}" ] || echo "why=the check stopped (exit $rc) while: $why"' EXIT
deadline=$((SECONDS + timeout_s))
why="not checked yet"
# The master's PID, asked of systemd when it is not known or its process is gone: a reload keeps
# it, so most polls start no systemctl (each ~15 ms of the server's CPU, twice a poll before).
while :; do
  if ! running "$main"; then main=$(systemctl show -p MainPID --value "$service" 2>/dev/null || echo 0); main=${main:-0}; fi
  workers=$(children "$main")
  ok=yes; fresh=0; olds=0
  for w in $workers; do
    # An old worker counts while it runs (not once it is a zombie the master has yet to reap).
    case "$old" in *" $w "*)
      if running "$w"; then olds=$((olds + 1)); fi
      continue;;
    esac
    # Compared by bash itself (same folder: device and inode, both followed as stat does), no
    # readlink per worker and poll, nor one for the release at the start.
    [ -e "/proc/$w/cwd" ] || continue
    if ! [ "/proc/$w/cwd" -ef "$release_dir" ]; then ok=no; why="worker $w serves $(readlink "/proc/$w/cwd" 2>/dev/null), not the new release"; fi
    fresh=$((fresh + 1))
  done
  if [ "$fresh" -lt "$expected" ]; then ok=no; why="$fresh of $expected new workers running (master pid $main)"; fi
  # Gunicorn forks the new workers first and tells the old ones to stop just after: until then an
  # old worker still takes new requests, and its 200 would prove nothing. So the health path is
  # asked once no old worker is left, or the master is back in its loop (it has told them), or
  # $grace_ms ms after all new ones were there (those left are finishing requests, no more).
  if [ "$ok" = yes ]; then
    all_new=${all_new:-$(ms)}
    if [ "$olds" -gt 0 ] && ! master_idle "$main" && [ $(( $(ms) - all_new )) -lt "$grace_ms" ]; then ok=no; why="$olds old workers not stopped yet"; fi
  fi
  if [ "$ok" = yes ]; then
    code=$(curl -sS -o "$body" -w '%{http_code}' -m 5 --unix-socket "$socket" "$health_url" 2>/dev/null || true)
    if [ "$code" = 200 ]; then
      if [ -z "$health_expect" ] || grep -qF -- "$health_expect" "$body"; then proven; fi
      why="health-path answered 200 without $health_expect_shown in: $(head -c 300 "$body" | tr '\n' ' ')"
    else
      why="health-path answered ${code:-nothing}: $(head -c 300 "$body" 2>/dev/null | tr '\n' ' ')"
    fi
  fi
  # Only a master that is gone can mean the service stopped: then systemd is asked.
  if ! running "$main"; then
    state=$(systemctl is-active "$service" 2>/dev/null || true)
    if [ "$state" = failed ] || [ "$state" = inactive ]; then why="the service is $state"; break; fi
  fi
  [ $SECONDS -lt "$deadline" ] || break
  # New workers that import only the app (preload-libraries) serve within a few tenths of a second:
  # look often at first (a look reads /proc only, unless it asks the app), then less often.
  polls=$((${polls:-0} + 1))
  # A line now and then: once the runner is gone (its channel closed), the write fails and ends
  # this loop, instead of polling as root until the deadline.
  [ $((polls % 5)) != 0 ] || echo "poll=$polls"
  if [ "$polls" -le 25 ]; then nap 0.02; elif [ "$polls" -le 35 ]; then nap 0.05; else nap 0.2; fi
done
reported=yes
echo "why=$why"
exit 1
