# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate's one worker, which imports the release (its own code, the first of it to run),
# forked by SIGTTIN to its early master, once. With a warm master, the backup forks it as soon as
# its snapshot of the database is made (snapshot_made), so the import runs beside the rest of the
# backup (root's copy and its integrity check); the candidate check (candidate.sh) forks it only
# where the backup did not take it on. Functions only. Prologue: unit sock release marker forked_note
# fork_wait_s. Before it: nap, running, read_kv.

# in_unit PID: PID is a process of the candidate's unit (its cgroup, read by bash): a PID noted
# earlier is signalled only while it is still the candidate's, never a process that took its number.
in_unit() {
  local line
  while IFS= read -r line; do
    case "$line" in */"$unit.service" | */"$unit.service"/*) return 0 ;; esac
  done 2>/dev/null < "/proc/$1/cgroup"
  return 1
}

# fork_worker MAIN: SIGTTIN to MAIN once it listens, sent by the one caller that creates root's
# note $forked_note (noclobber: one creation wins). True when this call sent it.
fork_worker() {
  [ -S "$sock" ] && running "$1" && in_unit "$1" || return 1
  (set -C; : > "$forked_note") 2>/dev/null || return 1
  kill -s TTIN "$1" 2>/dev/null
}

# snapshot_made: called by the backup (backup.sh) once its snapshot is made. A master this run
# started warm for this release (its PID in the early marker) forks its worker from now: in the
# background, as it may still be loading its config, for as long as the check would wait for its
# socket. $forked_note.pending says so until then (the check leaves the fork to it meanwhile).
snapshot_made() {
  [ -f "$marker" ] || return 0
  read_kv "$marker"
  [ "${kv[release]-}" = "$release" ] && [ "${kv[booted]-}" = 0 ] || return 0
  local main=${kv[main]-}
  case "$main" in '' | 0 | *[!0-9]*) return 0 ;; esac
  : > "$forked_note.pending"
  (
    trap 'rm -f -- "$forked_note.pending"' EXIT
    end=$((SECONDS + fork_wait_s))
    while [ "$SECONDS" -le "$end" ] && [ ! -e "$forked_note" ] && running "$main"; do
      fork_worker "$main" && exit 0
      nap 0.01
    done
  ) </dev/null >/dev/null 2>&1 &
}
