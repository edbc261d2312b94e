# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Waits until this run's lock holder (sent at the same moment, on its own channel) has the lock: a
# request sent together with the lock runs under it without waiting for its answer. Bounded: a lock
# that never comes (busy, refused) ends it with $busy, and the run fails on the lock's own error.
# Prologue: owner_line lock_owner wait_s busy.
lock_end=$((SECONDS + wait_s))
until grep -qxF "$owner_line" "$lock_owner" 2>/dev/null; do
  [ "$SECONDS" -lt "$lock_end" ] || { echo "the deploy lock did not come within $wait_s s" >&2; exit "$busy"; }
  sleep 0.01
done
