# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Preflight (read-only): the input lines whose calendar expression this server's systemd refuses
# or that never comes, as one `calendar_bad=` line. Prologue: calendars and lines (one a line, in step).
mapfile -t cal_values < <(printf '%s\n' "$calendars")
mapfile -t cal_lines < <(printf '%s\n' "$lines")
bad_cal=""
for i in "${!cal_values[@]}"; do
  c=${cal_values[$i]}
  [ -n "$c" ] || continue
  if ! out=$(systemd-analyze calendar "$c" 2>&1) || echo "$out" | grep -q 'Next elapse: never'; then
    bad_cal="$bad_cal ${cal_lines[$i]}"
  fi
done
echo "calendar_bad=$bad_cal"
