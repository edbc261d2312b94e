# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After the layout step created the user: record it as the tool's (idempotent).
# Prologue: gd_marker gd_owned_dir gd_app gd_app_dir.
if [ ! -f "$gd_marker" ] && getent passwd "$gd_app" >/dev/null; then
  install -d -m 0755 "$gd_owned_dir"
  printf 'user=%s\nuid=%s\napp-dir=%s\n' "$gd_app" "$(id -u "$gd_app")" "$gd_app_dir" > "$gd_marker"
fi
