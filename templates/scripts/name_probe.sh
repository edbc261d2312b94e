# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Sets $taken to one line per thing of the app's name this tool did not create; empty when the
# name is free or already ours. Ours: the user (by uid) recorded in the marker, or (installs made
# before the marker existed) a system user whose home is app-dir and whose shell is nologin; a unit
# in /etc/systemd/system whose first line is the tool's header. Read-only (preflight runs it as the
# login user); its names start gd_ as it runs inside other scripts.
# Prologue: gd_app gd_marker gd_app_dir gd_etc gd_log_dir gd_units gd_unit_header.
taken=""
gd_user_ours=no
if gd_pw=$(getent passwd "$gd_app"); then
  IFS=: read -r _ _ gd_uid _ _ gd_home gd_shell <<< "$gd_pw"
  if [ -f "$gd_marker" ]; then
    # The same account the tool created, not one made later under the same name.
    if grep -qx "uid=$gd_uid" "$gd_marker"; then gd_user_ours=yes; fi
  elif [ "$gd_uid" -gt 0 ] && [ "$gd_uid" -lt 1000 ] && [ "$gd_home" = "$gd_app_dir" ] && [ "$gd_shell" = /usr/sbin/nologin ]; then
    gd_user_ours=yes
  fi
elif [ -f "$gd_marker" ]; then
  # The tool's user was removed by hand: what is left of the app's is still ours.
  gd_user_ours=yes
fi
if [ "$gd_user_ours" = no ]; then
  if getent passwd "$gd_app" >/dev/null; then
    taken="$taken
  user $gd_app (uid $(id -u "$gd_app"), home $(getent passwd "$gd_app" | cut -d: -f6))"
  fi
  if getent group "$gd_app" >/dev/null; then taken="$taken
  group $gd_app"; fi
  for gd_d in "$gd_etc" "$gd_log_dir"; do
    if [ -e "$gd_d" ]; then taken="$taken
  folder $gd_d"; fi
  done
fi
# Unit names are the tool's own (APP.service, APP-health.timer...): no blanks, no globs.
# shellcheck disable=SC2086
for gd_unit in $gd_units; do
  for gd_dir in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system; do
    gd_f="$gd_dir/$gd_unit"
    if [ ! -e "$gd_f" ] && [ ! -L "$gd_f" ]; then continue; fi
    # The header's length in bytes, read by bash itself (a deploy looks at every unit of the app).
    gd_head=""
    if [ "$gd_dir" = /etc/systemd/system ] && [ ! -L "$gd_f" ]; then LC_ALL=C IFS= read -r -N "${#gd_unit_header}" gd_head 2>/dev/null < "$gd_f" || true; fi
    if [ -n "$gd_head" ] && [ "$gd_head" = "$gd_unit_header" ]; then continue; fi
    taken="$taken
  unit $gd_f"
  done
done
