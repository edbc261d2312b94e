# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The deploy lock (after the ownership refusals), held by this shell for as long as the runner's
# channel is open and alive: flock on a file, then a loop reading the runner's heartbeat lines on
# stdin. EOF (released) or $patience s of silence (the runner is gone) ends the loop, and the lock
# with it. The owner file says who holds it; with force_unlock = 1 a holder older than wait_s is
# ended. Exits $busy when another run kept it for wait_s.
# Prologue: state lock owner_file owner force_unlock wait_s busy patience.
mkdir -p "$state"
chmod 0750 "$state"
exec 9>>"$lock"
if ! flock -n 9; then
  holder=$(tr '\n' ' ' 2>/dev/null < "$owner_file")
  if [ "$force_unlock" = 1 ]; then
    since=$(sed -n 's/^since_epoch=//p' "$owner_file" 2>/dev/null)
    pid=$(sed -n 's/^pid=//p' "$owner_file" 2>/dev/null)
    age=$(( $(date +%s) - ${since:-0} ))
    if [ "$age" -ge "$wait_s" ] && [ -n "$pid" ]; then
      echo "forced=breaking a lock held for ${age}s by: $holder"
      kill -TERM "$pid" 2>/dev/null || true
    else
      echo "forced=not breaking the lock: it is only ${age}s old (under ${wait_s}s), so not stale: $holder"
    fi
  fi
  echo "waiting=$holder"
  if ! flock -w "$wait_s" 9; then
    echo "holder=$(tr '\n' ' ' 2>/dev/null < "$owner_file")"
    exit "$busy"
  fi
fi
printf 'run=%s\npid=%s\nsince=%s\nsince_epoch=%s\n' "$owner" "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(date +%s)" > "$owner_file"
trap 'rm -f "$owner_file"' EXIT
echo locked=yes
# Only this shell holds the lock, so killing the shell frees it too.
while IFS= read -r -t "$patience" _; do :; done
