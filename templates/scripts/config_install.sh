# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Puts the changed files in place (staged_I to path_I with mode_I and owner_I:group_I, I below
# $count), keeping what they replace in $prev so a rollback can put it back (NAME, or NAME.absent
# for a file that was not there). Units are enabled (started at boot) and the socket started on
# the first deploy; the socket is never restarted by a deploy, since that would refuse connections.
# Prologue: socket service prev count daemon_reload staged_0 name_0 path_0 mode_0 owner_0 group_0 ...
socket_active=no
if systemctl is-active --quiet "$socket"; then echo socket_was_active=yes; socket_active=yes; fi
rm -rf "$prev"; install -d -m 0700 "$prev"
for ((i = 0; i < count; i++)); do
  v="path_$i"; target=${!v}; v="name_$i"; name=${!v}; v="staged_$i"; from=${!v}
  v="mode_$i"; mode=${!v}; v="owner_$i"; owner=${!v}; v="group_$i"; group=${!v}
  if [ -f "$target" ]; then cp -a "$target" "$prev/$name"; else echo "$target" > "$prev/$name.absent"; fi
  install -m "$mode" -o "$owner" -g "$group" "$from" "$target"
done
if [ "$daemon_reload" = 1 ]; then systemctl daemon-reload; fi
# Every deploy after the first: both already enabled (one systemctl asks for both; its exit code
# says only whether any is, so its two lines are read) and the socket active since the top.
if [ "$(systemctl is-enabled "$socket" "$service" 2>/dev/null)" != $'enabled\nenabled' ]; then
  systemctl is-enabled --quiet "$socket" 2>/dev/null || systemctl enable --quiet "$socket"
  systemctl is-enabled --quiet "$service" 2>/dev/null || systemctl enable --quiet "$service"
fi
[ "$socket_active" = yes ] || systemctl is-active --quiet "$socket" || systemctl start "$socket"
