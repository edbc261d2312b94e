# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate check (src/steps/candidate.ts): the release's Gunicorn asked for the health path
# (200, with $health_expect) and every smoke path (2xx/3xx) on its private socket. A definite wrong
# answer fails after $grace_ms ms and $grace_answers answers in a row (an app may answer 503 while
# it warms up); only refused connections and timeouts wait up to $health_timeout_ms. The unit is
# always stopped (a proven one in the background). Prologue: the unit's (candidate_unit.sh), then
# release marker health_timeout_ms timeout_text health_path smoke_paths host health_expect
# grace_ms grace_answers import_check preload. Before it (the caller's text): ms, nap, running, read_kv,
# find_mismatch and report_worker_module (app_kind.sh), and with preload=yes install_preload_list
# (preload_list.sh: the preload list of an import check).
import_ms=
body=$(mktemp)
# Stopped whatever ends this script; and systemd itself ends it after RuntimeMaxSec should the
# script be killed before its trap runs.
trap 'stop_candidate; rm -f "$body"' EXIT
# A master booted early for this release (candidate_boot.sh) is used once its boot has answered:
# when its socket is there (bound after its signal handlers are set), SIGTTIN forks its one worker.
# Any other case (no such boot, or it failed or ended): booted here, as before, with one worker.
early=""
if [ -f "$marker" ]; then
  waited=0
  while :; do
    read_kv "$marker"; seen=${kv[release]-}; booted=${kv[booted]-}
    if [ "$seen" != "$release" ] || [ -n "$booted" ] || [ "$waited" -ge 600 ]; then break; fi
    nap 0.02; waited=$((waited + 1))
  done
  rm -f "$marker"
  if [ "$seen" = "$release" ] && [ "$booted" = 0 ]; then
    # One question to systemd for three answers: is it running, its run's id (for its log), its
    # master's PID.
    read_kv <(systemctl show -p ActiveState -p InvocationID -p MainPID "$unit.service" 2>/dev/null || true)
    invocation=${kv[InvocationID]-}; main=${kv[MainPID]-}
    case "${kv[ActiveState]-}" in active|reloading) early=yes ;; esac
  fi
  # Started warm (candidate_warm.sh): its go is there.
  if [ -n "$early" ] && [ -f "$go" ]; then early=warm; fi
fi
if [ -n "$early" ]; then
  # Its log is this run of the unit's (invocation, read above), from its start.
  since=$(( EPOCHSECONDS - 60 ))
else
  invocation=""
  stop_candidate
  since=$EPOCHSECONDS
  boot_candidate 1
fi
forked=""
# The master's PID, asked of systemd once: each poll then looks at /proc (no systemctl per poll, ~15
# ms of the server's CPU each), and asks systemd again only when that process is gone.
[ -n "$early" ] || main=$(systemctl show -p MainPID --value "$unit.service" 2>/dev/null || echo 0)
main=${main:-0}
master_gone() {
  if running "$main"; then return 1; fi
  if systemctl is-active --quiet "$unit.service"; then
    main=$(systemctl show -p MainPID --value "$unit.service" 2>/dev/null || echo 0); main=${main:-0}
    return 1
  fi
  return 0
}
start=$(ms); deadline=$((start + health_timeout_ms))
bad_since=""; bad_count=0; polls=0
# check PATH KIND: 0 when the answer is right; otherwise sets code and why and returns 1.
check() {
  local left=$(( (deadline - $(ms)) / 1000 )); [ "$left" -ge 1 ] || left=1; [ "$left" -le 5 ] || left=5
  # As the app's user (the socket's folder is the app's: a link planted there leads it only where
  # the app could connect anyway), no .curlrc; the answer's bytes to root's file, its code on stderr.
  code=$(setpriv --reuid="$user" --regid="$user" --init-groups --reset-env -- curl -q -s -o - -w '%{stderr}%{http_code}' -m "$left" --unix-socket "$sock" "http://$host$1" 2>&1 >"$body" || true)
  code=${code:-000}
  if [ "$2" = health ]; then
    if [ "$code" = 200 ]; then
      if [ -z "$health_expect" ] || grep -qF -- "$health_expect" "$body"; then return 0; fi
      why="$1 answered 200 without the health-expect text"; return 1
    fi
  else
    case "$code" in 2??|3??) return 0;; esac
  fi
  if [ "$code" = 000 ]; then why="$1 did not answer"; else why="$1 answered $code"; fi
  return 1
}
read -ra smoke <<< "$smoke_paths"
checks() {
  check "$health_path" health || return 1
  local sp
  for sp in "${smoke[@]}"; do check "$sp" smoke || return 1; done
}
# The worker's list, read as the app's user: the runtime folder is the app's, so a link there must
# not lead root (install_preload_list calls it).
# shellcheck disable=SC2317
preload_source() { setpriv --reuid="$user" --regid="$user" --init-groups --reset-env -- head -c 1048576 -- "$rundir/loaded"; }
imported() {
  [ "$import_check" = yes ] || return 0
  if [ -n "$import_ms" ] || [ -e "$rundir/loaded" ]; then echo "import=ok"; echo "import_ms=${import_ms:-$(( $(ms) - start ))}"; else echo "import=failed"; fi
}
while :; do
  [ "$import_check" != yes ] || [ -n "$import_ms" ] || [ ! -e "$rundir/loaded" ] || import_ms=$(( $(ms) - start ))
  find_mismatch
  if [ -n "$mismatch" ]; then code=000; why="serves an app its worker class cannot call"; break; fi
  if master_gone; then code=000; why="Gunicorn exited before it served"; gone=yes; break; fi
  if [ -n "$early" ] && [ -z "$forked" ]; then
    why="Gunicorn's master did not listen on its socket"; code=000
    if [ -S "$sock" ] && [ "$main" != 0 ] && kill -s TTIN "$main" 2>/dev/null; then forked=yes; fi
  fi
  if { [ -z "$early" ] || [ -n "$forked" ]; } && checks; then
    echo "candidate=ok"; echo "ms=$(( $(ms) - start ))"
    [ -z "$early" ] || echo "early=$early"
    report_worker_module
    imported
    [ "$preload" != yes ] || install_preload_list
    # Proven: it stops in the background (its Gunicorn's shutdown is not on the deploy's path); the
    # next candidate's stop waits for it, and RuntimeMaxSec ends it should nothing else.
    trap - EXIT; rm -f -- "$body" "$go"
    systemctl stop --no-block "$unit.service" >/dev/null 2>&1 || true
    exit 0
  fi
  now=$(ms)
  if [ "$code" != 000 ]; then
    bad_count=$((bad_count + 1)); bad_since=${bad_since:-$now}
    [ "$bad_count" -ge "$grace_answers" ] && [ $((now - bad_since)) -ge "$grace_ms" ] && break
  else
    bad_count=0; bad_since=""
  fi
  [ "$now" -lt "$deadline" ] || { why="$why within $timeout_text s"; break; }
  # Until the early master's socket is there, looks are cheap (/proc and a file test): often, for
  # its first 3 s or so; the polls of the answers count from its worker's fork.
  if [ -n "$early" ] && [ -z "$forked" ]; then
    socket_looks=$((${socket_looks:-0} + 1))
    if [ "$socket_looks" -le 300 ]; then nap 0.01; else nap 0.05; fi
    continue
  fi
  polls=$((polls + 1))
  if [ "$polls" -le 20 ]; then nap 0.05; else nap 0.2; fi
done
imported
echo "candidate=refused"
echo "mismatch=${mismatch:-}"
echo "status=$code"
echo "why=$why"
echo "ms=$(( $(ms) - start ))"
if [ "$code" != 000 ]; then echo "--- body"; head -c 2000 "$body" | head -n 8; echo; fi
[ -n "${gone:-}" ] || sleep 0.2
journalctl --sync >/dev/null 2>&1 || true
echo "--- log"
if [ -n "$invocation" ]; then
  journalctl "_SYSTEMD_INVOCATION_ID=$invocation" -o cat --no-pager 2>/dev/null | tail -n 20
else
  journalctl -u "$unit.service" --since "@$since" -o cat --no-pager 2>/dev/null | tail -n 20
fi
exit 0
