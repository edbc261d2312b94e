# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The root shell (src/ssh/root-shell.ts says its protocol): one privileged shell per connection
# that runs each request as `timeout -k $kill_after T SHELL -c SCRIPT` with stdin from a file in
# RAM, and answers with its stdout, a token line, its stderr and a token line with its exit code.
# The folder is in RAM (tmpfs) or the shell does not start: stdin (secrets) never touches a disk.
# Fresh output files per command: a process a command left running that still holds its stdout
# writes into an old file, never into the next command's answer.
# Prologue: kill_after.
d=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p /run 2>/dev/null) || exit 1
trap 'rm -rf -- "$d"' EXIT
pid=""
n=0
# Requests come through a pump: when the channel ends (closed by the run, a cancel, or sshd once the
# runner is gone), it TERMs this shell, which ends the running command (it writes to files, unaware).
mkfifo "$d/q" || exit 1
# (A background job's stdin would be /dev/null: the channel goes through fd 4.)
exec 4<&0
{ cat <&4; kill -TERM $$ 2>/dev/null; } > "$d/q" &
exec 3< "$d/q" 4<&- 0</dev/null
# After a TERM, requests sent to run only after a success are not run until a new request comes.
cancelled=0
trap 'cancelled=1; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null' TERM
echo ready
last=0
while IFS=' ' read -r tok sh tmo slen ilen after <&3; do
  case "$sh" in sh|bash) ;; *) exit 2 ;; esac
  n=$((n + 1)); o="$d/o$n"; e="$d/e$n"; i=/dev/null
  # The script by bash's own read (no process): exactly $slen bytes, as LC_ALL=C counts one byte a
  # character. The runner never sends a NUL (read would drop it uncounted and lose the stream).
  script=""
  [ "$slen" -eq 0 ] || LC_ALL=C IFS= read -r -N "$slen" script <&3 || true
  if [ "$ilen" -gt 0 ]; then i="$d/i"; head -c "$ilen" <&3 > "$i"; fi
  [ "$after" = after-ok ] || cancelled=0
  # Sent together with the request before it and meant only after its success: not run.
  if [ "$after" = after-ok ] && { [ "$last" -ne 0 ] || [ "$cancelled" = 1 ]; }; then
    [ "$i" = /dev/null ] || : > "$i"
    printf '\n%s out\n\n%s rc 255 skipped\n' "$tok" "$tok"
    continue
  fi
  timeout -k "$kill_after" "$tmo" "$sh" -c "$script" < "$i" > "$o" 2> "$e" &
  pid=$!
  [ "$cancelled" = 0 ] || kill -TERM "$pid" 2>/dev/null # a TERM that came before pid was set
  wait "$pid"; rc=$?
  # A TERM (cancel) interrupts wait: wait again for the command's own end.
  while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
  pid=""; last=$rc
  [ "$i" = /dev/null ] || : > "$i"
  printf '\n%s out\n' "$tok" > "$d/m"
  cat -- "$o" "$d/m" "$e"
  printf '\n%s rc %s\n' "$tok" "$rc"
  : > "$o"; : > "$e"
done
