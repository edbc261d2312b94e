# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Part of the processes' move (processes_move.sh sets app, want and udir): timers not in the
# wanted set are stopped (a run in progress too) and their units removed; the wanted units are put
# in place, and the list of installed ones kept. schedules_enable.sh runs after the daemon-reload
# and reads sids. Prologue: sinst (root's list of the schedules installed).
swant() { if [ -f "$want/schedules" ]; then grep -E '^[0-9a-f]{10}$' "$want/schedules" || true; fi; }
shave() { if [ -f "$sinst" ]; then grep -E '^[0-9a-f]{10}$' "$sinst" || true; fi; }
declare -A SW=()
sids=()
while read -r id; do [ -n "$id" ] && SW[$id]=1 && sids+=("$id"); done < <(swant)
while read -r id; do
  if [ -z "$id" ] || [ -n "${SW[$id]:-}" ]; then continue; fi
  systemctl disable --now --quiet "$app-schedule-$id.timer" 2>/dev/null || true
  systemctl stop "$app-schedule-$id.service" 2>/dev/null || true
  rm -f -- "$udir/$app-schedule-$id.timer" "$udir/$app-schedule-$id.service"
  echo "schedule-removed=$id"
done < <(shave)
for id in "${sids[@]}"; do
  install -m 0644 -o root -g root -- "$want/schedule-$id.timer" "$udir/$app-schedule-$id.timer"
  install -m 0644 -o root -g root -- "$want/schedule-$id.service" "$udir/$app-schedule-$id.service"
done
if [ ${#sids[@]} -gt 0 ]; then cp -- "$want/schedules" "$sinst.new"; mv -T -- "$sinst.new" "$sinst"; else rm -f -- "$sinst"; fi
