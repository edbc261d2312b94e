# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After write_files.sh wrote a provision step's units: systemd reloaded when a unit file changed,
# then each unit enabled at boot and running now (each marked when it was not).
# Prologue: units_on (one a line).
reload_if_units_changed
mapfile -t units_on_a < <(printf '%s' "$units_on")
for u in "${units_on_a[@]}"; do
  ensure_enabled "$u"
  ensure_started "$u"
done
