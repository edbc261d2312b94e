# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Provision's first deploy decides (src/provision/first-deploy.ts): the current release's record,
# its name, and whether the app's service runs.
# Prologue: record current service.
if [ -f "$record" ]; then cat "$record"; fi
if [ -L "$current" ]; then echo "current=$(basename "$(readlink "$current")")"; fi
echo "active=$(systemctl is-active "$service" 2>/dev/null || true)"
