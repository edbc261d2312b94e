# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Root writes the schedules' units into the release's set being built (after
# schedules_calendar_check.sh). Prologue: set_dir, ids (one a line), and per schedule timer_N and
# service_N (the rendered units, N counting from 0 in the order of ids).
mapfile -t sched_ids < <(printf '%s\n' "$ids")
for i in "${!sched_ids[@]}"; do
  id=${sched_ids[$i]}
  timer_var="timer_$i"; service_var="service_$i"
  printf '%s' "${!timer_var}" > "$set_dir/schedule-$id.timer"
  printf '%s' "${!service_var}" > "$set_dir/schedule-$id.service"
done
printf '%s\n' "$ids" > "$set_dir/schedules"
