# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate's master started early (src/steps/candidate.ts), before the backup, with no worker:
# Python, Gunicorn, the config and the preloaded libraries load beside the backup, and nothing of
# the release's own code runs until the candidate check forks its worker (SIGTTIN) after it.
# Prologue: the unit's (candidate_unit.sh), then release, marker (a root-only file in /run),
# warm_note and id (candidate_warm.sh's). Before it: nap, read_kv.
# The marker is written before this returns, so the check after the backup always knows whether
# a boot was started for this release, and waits for its line.
printf 'release=%s\n' "$release" > "$marker"
# A master started warm by this run (candidate_warm.sh) gets the go when its environment file is the
# staged one byte for byte (its venv it checks itself: another venv makes it boot cold).
warm=""
if [ -f "$warm_note" ]; then
  waited=0
  while :; do
    read_kv "$warm_note"; seen=${kv[id]-}; at=${kv[at]:-0}; started=${kv[started]-}
    if [ "$seen" != "$id" ] || [ -n "$started" ] || [ "$waited" -ge 200 ]; then break; fi
    nap 0.01; waited=$((waited + 1))
  done
  rm -f -- "$warm_note"
  # Its unit ends at RuntimeMaxSec from its start: only a young one (a long upload makes it old) has
  # the whole proof's time left.
  if [ "$seen" = "$id" ] && [ "$started" = 0 ] && [ $((EPOCHSECONDS - at)) -lt "$warm_young_s" ] \
    && cmp -s -- "$env_file" "$live_env"; then warm=yes; fi
fi
if [ -n "$warm" ]; then
  go_candidate
  echo "booted=0" >> "$marker"
  exit 0
fi
(
  stop_candidate
  if boot_candidate 0; then rc=0; else rc=$?; fi
  echo "booted=$rc" >> "$marker"
) </dev/null >/dev/null 2>&1 &
exit 0
