# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After preflight.sh, disk_probe.sh and name_probe.sh: their findings, and whether the app was
# provisioned here.
# Prologue: service_file current.
echo "free_mb=$free_mb"
echo "need_mb=$need_mb"
echo "disk_dir=$disk_dir"
echo "taken=$(printf '%s' "$taken" | sed 's/^ *//' | paste -sd ';' | sed 's/^;//; s/;/; /g')"
if [ -f "$service_file" ] && [ -L "$current" ]; then echo provisioned=yes; else echo provisioned=no; fi
