# shellcheck shell=bash # only a definition: the switch's and the verify's (src/steps/switch.ts)
# children PID: the PIDs whose parent is PID (Gunicorn's workers), without needing procps. The
# kernel's own list (/proc/PID/task/PID/children) is read by bash itself, with no process started:
# the verify asks several times a second on a busy server. A kernel without it: every process's
# status is read. Never fails: under pipefail, grep's status (no match, or a process gone between
# the glob and the read, as old workers are right after a reload) would end the calling script.
children() {
  [ -n "$1" ] && [ "$1" != 0 ] || return 0
  local kids=/proc/$1/task/$1/children line=""
  if [ -r "$kids" ]; then read -r line < "$kids" || true; echo "$line"; return 0; fi
  [ -d "/proc/$1" ] || return 0
  { grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null || true; } | cut -d/ -f3 | tr '\n' ' '
}
