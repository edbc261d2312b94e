# shellcheck shell=bash disable=SC2154 # app, want and sids come from processes_move.sh and schedules_move.sh
# After the daemon-reload: every wanted timer enabled and running; one `schedule=` line each.
if [ ${#sids[@]} -gt 0 ]; then
  timers=()
  for id in "${sids[@]}"; do timers+=("$app-schedule-$id.timer"); done
  systemctl enable --now --quiet "${timers[@]}"
  for t in "${timers[@]}"; do echo "schedule=$t $(basename "$want") $(systemctl is-active "$t" || true)"; done
fi
