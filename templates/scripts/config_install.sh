# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Puts the changed files in place (staged_I to path_I with mode_I and owner_I:group_I, I below
# $count), keeping what they replace in $prev so a rollback can put it back (NAME, or NAME.absent
# for a file that was not there). Units are enabled (started at boot) and the socket started on
# the first deploy; the socket is never restarted by a deploy, since that would refuse connections.
# Prologue: socket service socket_wants service_wants prev count daemon_reload staged_0 name_0
# path_0 mode_0 owner_0 group_0 ...
# One question to systemd for both units (each systemctl is a process and a D-Bus round trip, on
# the critical path of every deploy): the socket's state and both units' enablement, in blocks
# told apart by their Id. Active is what `is-active` counts as active.
socket_active=no; socket_file=""; service_file=""; id=""; st=""; uf=""
unit_facts() {
  if [ "$id" = "$socket" ]; then
    case "$st" in active | reloading | refreshing) socket_active=yes ;; esac
    socket_file=$uf
  elif [ "$id" = "$service" ]; then service_file=$uf; fi
  id=""; st=""; uf=""
}
while IFS='=' read -r k v; do
  case "$k" in Id) id=$v ;; ActiveState) st=$v ;; UnitFileState) uf=$v ;; '') unit_facts ;; esac
done < <(systemctl show -p Id -p ActiveState -p UnitFileState "$socket" "$service" 2>/dev/null || true)
unit_facts
if [ "$socket_active" = yes ]; then echo socket_was_active=yes; fi
rm -rf "$prev"; install -d -m 0700 "$prev"
for ((i = 0; i < count; i++)); do
  v="path_$i"; target=${!v}; v="name_$i"; name=${!v}; v="staged_$i"; from=${!v}
  v="mode_$i"; mode=${!v}; v="owner_$i"; owner=${!v}; v="group_$i"; group=${!v}
  if [ -f "$target" ]; then cp -a "$target" "$prev/$name"; else echo "$target" > "$prev/$name.absent"; fi
  install -m "$mode" -o "$owner" -g "$group" "$from" "$target"
done
if [ "$daemon_reload" = 1 ]; then systemctl daemon-reload; fi
# Every deploy after the first: both already enabled and the socket active since the top. systemd
# keeps the enablement it computed at the first question after its last reload, so the links
# `enable` makes (from the units' [Install]) are looked at too, by bash: one removed by hand since
# still means asking as below. Any other state (static, linked, masked, ...) is asked of
# `is-enabled` as always.
if [ "$socket_file" != enabled ] || [ "$service_file" != enabled ] || ! [ -L "$socket_wants" ] || ! [ -L "$service_wants" ]; then
  systemctl is-enabled --quiet "$socket" 2>/dev/null || systemctl enable --quiet "$socket"
  systemctl is-enabled --quiet "$service" 2>/dev/null || systemctl enable --quiet "$service"
fi
[ "$socket_active" = yes ] || systemctl is-active --quiet "$socket" || systemctl start "$socket"
