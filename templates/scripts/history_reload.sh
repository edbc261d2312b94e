# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Appends one JSON line to the server's history, with $saved in it replaced by how the switch
# reloaded the service (its record in $last_switch: start, restart or hup; else unknown).
# Prologue: line saved last_switch history_log.
# The record read by bash's own read (no process: it is on the critical path of every deploy); one
# reload= line names it, none or several make it unknown.
reload="" gd_n=0 gd_l=""
if [ -f "$last_switch" ]; then
  while IFS= read -r gd_l || [ -n "$gd_l" ]; do
    case "$gd_l" in reload=*) reload=${gd_l#reload=}; gd_n=$((gd_n + 1)) ;; esac
  done < "$last_switch" || true
fi
case "$gd_n:$reload" in 1:start|1:restart|1:hup) ;; *) reload=unknown ;; esac
printf '%s\n' "${line/"$saved"/$reload}" >> "$history_log"
