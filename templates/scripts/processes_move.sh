# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# First half of moving the server's processes to the set at $want: instances no longer wanted are
# stopped (SIGTERM, then SIGKILL after stop-timeout) and their units removed; the wanted units are
# put in place and $installed records them. The schedules' move follows (src/schedules/script.ts),
# then processes_start.sh, which uses W, names and start from here.
# Prologue: app want installed.
udir=/etc/systemd/system
wanted() { if [ -f "$want/set" ]; then grep -E '^[a-z][a-z0-9-]* [0-9]+$' "$want/set" || true; fi; }
have() { if [ -f "$installed" ]; then grep -E '^[a-z][a-z0-9-]* [0-9]+$' "$installed" || true; fi; }
declare -A W=()
names=()
while read -r n c; do [ -n "$n" ] && W[$n]=$c && names+=("$n"); done < <(wanted)
stop=() gone=()
while read -r n c; do
  [ -n "$n" ] || continue
  k=${W[$n]:-0}
  for ((i = k + 1; i <= c; i++)); do stop+=("$app-$n@$i.service"); done
  [ "$k" -gt 0 ] || gone+=("$n")
done < <(have)
if [ ${#stop[@]} -gt 0 ]; then
  systemctl stop "${stop[@]}" || true
  systemctl disable --quiet "${stop[@]}" 2>/dev/null || true
  for u in "${stop[@]}"; do echo "stopped=$u"; done
fi
for n in "${gone[@]}"; do rm -f -- "$udir/$app-$n@.service"; done
start=()
for n in "${names[@]}"; do
  install -m 0644 -o root -g root -- "$want/$n@.service" "$udir/$app-$n@.service"
  for ((i = 1; i <= W[$n]; i++)); do start+=("$app-$n@$i.service"); done
done
if [ ${#W[@]} -gt 0 ]; then cp -- "$want/set" "$installed.new"; mv -T -- "$installed.new" "$installed"; else rm -f -- "$installed"; fi
