# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The certificate check (src/provision/tls-check.ts), after write_files.sh put its script and units:
# certbot's alert drop-in removed unless tls: acme, systemd reloaded when a unit changed, the
# check's timer enabled and running.
# Prologue: acme (1 for tls: acme) dropin timer.
if [ "$acme" != 1 ] && [ -e "$dropin" ]; then mark tls-renewal-alert-removed; act rm -f "$dropin"; fi
reload_if_units_changed
ensure_enabled "$timer" tls-check:enabled
ensure_started "$timer" tls-check:started
