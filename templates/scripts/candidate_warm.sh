# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate's master started warm (src/steps/candidate.ts), in the layout's request, once the
# lock is held: Python, Gunicorn and the serving config's libraries load while the release uploads
# (candidate_warm.py). It starts only beside a serving release (its venv is the likeliest to be the
# new one's); candidate_boot.sh then gives it the go, or stops it and boots cold. Prologue: the
# unit's (candidate_unit.sh), then warm_note (root's note in /run) and id (this run's release id
# as asked). The note says, before this returns, that a start is under way and when; the start's
# result follows as started=RC.
rm -f -- "$go" "$warm_note"
if [ -L "$current" ]; then
  printf 'id=%s\nat=%s\n' "$id" "$EPOCHSECONDS" > "$warm_note"
  (
    stop_candidate
    if warm_candidate; then rc=0; else rc=$?; fi
    echo "started=$rc" >> "$warm_note"
  ) </dev/null >/dev/null 2>&1 &
fi
