# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Second half of moving the processes (after processes_move.sh, the schedules' move and the
# daemon-reload; W, names, start and want are set there): every wanted instance restarted onto its
# unit, and each must stay up (same main PID, active) for $settle seconds. Prints `unit=` and
# `proc=NAME N RELEASE STATE` lines; exits 3 naming the first one that did not stay up, with its
# journal's last lines. Sets of releases no longer on the server go.
# Prologue: by_release releases settle.
# Sets of releases that are gone (pruned) are of no use to a rollback.
for d in "$by_release"/*; do
  [ -d "$d" ] || continue
  r=$(basename "$d")
  [ "$d" = "$want" ] || [ -d "$releases"/"$r" ] || rm -rf -- "$d"
done
[ ${#start[@]} -gt 0 ] || exit 0
systemctl enable --quiet "${start[@]}" 2>/dev/null
systemctl reset-failed "${start[@]}" 2>/dev/null || true
# One job for all: stops run side by side, each given stop-timeout to finish the job in hand.
systemctl restart "${start[@]}" || true
declare -A PID=()
for u in "${start[@]}"; do PID[$u]=$(systemctl show -p MainPID --value "$u"); done
sleep "$settle"
bad=""
for u in "${start[@]}"; do
  st=$(systemctl show -p ActiveState --value "$u")
  pid=$(systemctl show -p MainPID --value "$u")
  if [ "$st" = active ] && [ "$pid" = "${PID[$u]}" ] && [ "$pid" != 0 ]; then state=running
  else state="not running ($st)"; [ -n "$bad" ] || bad=$u; fi
  echo "unit=$u $state"
done
for n in "${names[@]}"; do
  s=running
  # shellcheck disable=SC2004 # W is associative (declared in processes_move.sh): $n is a key
  for ((i = 1; i <= W[$n]; i++)); do
    [ "$(systemctl show -p ActiveState --value "$app-$n@$i.service")" = active ] || s=failed
  done
  echo "proc=$n ${W[$n]} $(basename "$want") $s"
done
if [ -n "$bad" ]; then
  echo "failed=$bad"
  echo "--- journalctl -u $bad (last lines)"
  journalctl -u "$bad" -n 15 --no-pager -o cat 2>/dev/null || true
  exit 3
fi
