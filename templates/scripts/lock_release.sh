# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Ends a lock holder this run left behind, and only when the owner file names this very run.
# Prologue: owner owner_line.
[ -f "$owner" ] || { echo released=none; exit 0; }
grep -qxF "$owner_line" "$owner" || { echo "released=other $(head -n 1 "$owner")"; exit 0; }
pid=$(sed -n 's/^pid=//p' "$owner")
if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "$owner"
echo released=yes
