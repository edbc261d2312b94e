# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The health and database timers (src/provision/timers.ts), after write_files.sh put their scripts
# and units: systemd reloaded only when a unit changed, a timer restarted only when its own files
# changed (a new interval), and each timer enabled and running.
# Prologue: timers (one a line: TIMER TIMER_FILE SERVICE_FILE).
reload_if_units_changed
while read -r t tfile sfile <&3; do
  [ -n "$t" ] || continue
  if was_changed "$tfile" || was_changed "$sfile"; then
    if [ "$dry" != 1 ] && systemctl is-active --quiet "$t"; then systemctl restart "$t" || true; fi
  fi
  ensure_enabled "$t"
  ensure_started "$t"
done 3<<<"$timers"
