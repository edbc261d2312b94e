# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Appends one JSON line to the server's history, with $saved in it replaced by how the switch
# reloaded the service (its record in $last_switch: start, restart or hup; else unknown).
# Prologue: line saved last_switch history_log.
reload=$(sed -n 's/^reload=//p' "$last_switch" 2>/dev/null || true)
case "$reload" in start|restart|hup) ;; *) reload=unknown ;; esac
printf '%s\n' "${line/"$saved"/$reload}" >> "$history_log"
