# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# A backup that failed (src/steps/candidate.ts): the candidate's master booted early for the check
# that will not come is stopped, and root's note of it removed. Prologue: unit marker.
systemctl stop --no-block "$unit.service" >/dev/null 2>&1 || true
rm -f "$marker"
