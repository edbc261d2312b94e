# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# mode logs on one server: the app's journal (unit_a, and unit_b when set), and with with_files = 1
# Gunicorn's error log and the app's nginx access log, each line prefixed with where it comes from.
# since_s > 0: the lines since then, else the last $lines. With follow = 1, all run side by side
# while the runner's heartbeats come on stdin. Reading only, as root, never writing.
# Prologue: unit_a unit_b with_files error_log app_user access_log since_s lines follow
# read_limit patience.
set +e
if [ "$since_s" -gt 0 ]; then cut_epoch=$(( $(date +%s) - since_s )); cut_text=$(date -d "@$cut_epoch" '+%Y-%m-%d %H:%M:%S'); fi
# Each file is read as the user who writes it (the app its error log, nginx's user its access
# log): one who plants a link there in place of the log reads only what it could read anyway.
# A FIFO planted there would block the read for ever: only a regular file is read (root's stat),
# and a read that ends by itself is bounded ($read_limit s), should the file be swapped after that
# test. With since_s, the file's lines since the cut: Gunicorn's error log starts its lines
# `[YYYY-MM-DD HH:MM:SS`, nginx's `... [DD/Mon/YYYY:HH:MM:SS`; both are the server's local time,
# compared as text with the cut-off in the same form. A line without a time (a traceback) goes
# with the line before it.
lines_of() {
  local f=$1
  local as=(setpriv --reuid="$2" --regid="$3" --init-groups --reset-env --)
  if [ "$since_s" -gt 0 ]; then
    # shellcheck disable=SC2016 # an awk program
    { timeout "$read_limit" "${as[@]}" cat -- "$f"; } 2>/dev/null | awk -v cut="$cut_text" 'BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); for (i in m) mon[m[i]] = sprintf("%02d", i); keep = 0 }
{
  t = ""
  if (match($0, /\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/)) t = substr($0, RSTART + 1, 19)
  else if (match($0, /\[[0-9]{2}\/[A-Z][a-z]{2}\/[0-9]{4}:[0-9]{2}:[0-9]{2}:[0-9]{2}/)) {
    s = substr($0, RSTART + 1, 20); t = substr(s, 8, 4) "-" mon[substr(s, 4, 3)] "-" substr(s, 1, 2) " " substr(s, 13, 8)
  }
  if (t != "") keep = (t >= cut)
  if (keep) print
}'
    if [ "$follow" = 1 ]; then "${as[@]}" tail -n 0 -F -- "$f" 2>/dev/null; fi
  elif [ "$follow" = 1 ]; then
    "${as[@]}" tail -n "$lines" -F -- "$f" 2>/dev/null
  else
    timeout "$read_limit" "${as[@]}" tail -n "$lines" -- "$f" 2>/dev/null
  fi
}
# A file that is not there yet is followed all the same (tail -F waits for it).
read_log() {
  if [ -f "$1" ] || [ "$follow" = 1 ]; then
    if [ "$follow" = 1 ]; then lines_of "$@" | sed -u "s/^/${1##*/}: /" &
    else lines_of "$@" | sed -u "s/^/${1##*/}: /"; fi
  fi
}
if [ "$with_files" = 1 ]; then
  read_log "$error_log" "$app_user" "$app_user"
  read_log "$access_log" www-data adm
fi
units=(-u "$unit_a")
[ -z "$unit_b" ] || units+=(-u "$unit_b")
if [ "$since_s" -gt 0 ]; then from=(--since "@$cut_epoch"); else from=(-n "$lines"); fi
if [ "$follow" = 1 ]; then
  journalctl --no-pager -o short-iso "${units[@]}" "${from[@]}" -f | sed -u 's/^/journal: /' &
  # The runner's heartbeats: their end (a cancel, Ctrl-C, a lost connection) or a silent runner
  # ends every reader of the script's process group at once. Closing the channel alone would
  # leave them to run until their next line fails to write.
  while IFS= read -r -t "$patience" _; do :; done
  trap '' TERM
  kill -TERM 0 2>/dev/null
else
  journalctl --no-pager -o short-iso "${units[@]}" "${from[@]}" | sed -u 's/^/journal: /'
fi
exit 0
