# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate's master started early (src/steps/candidate.ts), before the backup, with no worker:
# Python, Gunicorn, the config and the preloaded libraries load beside the backup, and nothing of
# the release's own code runs until the candidate check forks its worker (SIGTTIN) after it.
# Prologue: the unit's (candidate_unit.sh), then release and marker (a root-only file in /run).
# The marker is written before this returns, so the check after the backup always knows whether
# a boot was started for this release, and waits for its line.
printf 'release=%s\n' "$release" > "$marker"
(
  stop_candidate
  if boot_candidate 0; then rc=0; else rc=$?; fi
  echo "booted=$rc" >> "$marker"
) </dev/null >/dev/null 2>&1 &
exit 0
