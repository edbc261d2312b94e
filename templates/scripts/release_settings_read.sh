# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Prints `rsettings_ID=JSON` for every release that kept its own settings (src/deploy/remembered.ts).
# Read-only; runs inside the scripts that read a server's releases.
# Prologue: release_settings_dir.
for f in "$release_settings_dir"/*.json; do [ -f "$f" ] || continue
  printf 'rsettings_%s=%s\n' "$(basename "$f" .json)" "$(head -c 65536 "$f" | tr -d '\n')"; done
