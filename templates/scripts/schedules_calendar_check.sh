# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The server's own parser on every OnCalendar= value before anything is written
# (src/schedules/script.ts): an expression this systemd refuses, or one that never elapses (Feb 31),
# stops the write naming the input's line. Prologue: calendars and lines (one a line, in step),
# refused (the exit code).
mapfile -t cal_values < <(printf '%s\n' "$calendars")
mapfile -t cal_lines < <(printf '%s\n' "$lines")
for i in "${!cal_values[@]}"; do
  c=${cal_values[$i]}
  [ -n "$c" ] || continue
  where="input \`schedule\` line ${cal_lines[$i]}: '$c'"
  if ! out=$(systemd-analyze calendar "$c" 2>&1); then
    echo "$where is refused by systemd on this server: $(echo "$out" | head -n 1)" >&2
    exit "$refused"
  fi
  if echo "$out" | grep -q 'Next elapse: never'; then echo "$where never comes" >&2; exit "$refused"; fi
done
