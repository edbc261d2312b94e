# shellcheck shell=bash disable=SC2154,SC2034 # the values come in the prologue (src/render/scripts.ts)
# What every provision script starts with (src/provision/run.ts). `act CMD...` runs CMD, or in a
# dry run only prints `would=CMD`; `mark WHAT` records a change. The checks before each act run in
# both cases, so a dry run reports exactly what a real run would change.
# Prologue: dry (1 for a dry run).
changed=""
mark() { changed="$changed $*"; }
act() { if [ "$dry" = 1 ]; then echo "would=$*"; else "$@"; fi; }
# A unit enabled at boot / running now, marked WHAT (default UNIT:enabled, UNIT:started) when it
# was not.
ensure_enabled() { if ! systemctl is-enabled --quiet "$1" 2>/dev/null; then mark "${2:-$1:enabled}"; act systemctl enable --quiet "$1"; fi; }
ensure_started() { if ! systemctl is-active --quiet "$1"; then mark "${2:-$1:started}"; act systemctl start "$1"; fi; }
# systemd reloaded when a unit file changed (write_files.sh marked a path under /etc/systemd/system/).
reload_if_units_changed() { if [ "$dry" != 1 ] && echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi; }
