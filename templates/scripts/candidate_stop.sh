# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# A backup or a step before it that failed (src/steps/candidate.ts): the candidate's master booted
# early or started warm for the check that will not come is stopped, and root's notes of it
# removed. Prologue: unit marker go warm_note.
systemctl stop --no-block "$unit.service" >/dev/null 2>&1 || true
rm -f -- "$marker" "$go" "$warm_note"
