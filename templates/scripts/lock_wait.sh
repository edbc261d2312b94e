# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Waits until this run's lock holder (sent at the same moment, on its own channel) has the lock: a
# request sent together with the lock runs under it without waiting for its answer. Bounded: a lock
# that never comes (busy, refused) ends it with $busy, and the run fails on the lock's own error.
# Each look is bash's own read of the owner file and each wait a read that times out on a pipe:
# no process per poll (it looks a hundred times a second while the lock's channel starts).
# Prologue: owner_line lock_owner wait_s busy. Before it (the caller's text): nap.
owned() {
  local l
  while IFS= read -r l; do [ "$l" != "$owner_line" ] || return 0; done 2>/dev/null < "$lock_owner"
  return 1
}
lock_end=$((SECONDS + wait_s))
until owned; do
  [ "$SECONDS" -lt "$lock_end" ] || { echo "the deploy lock did not come within $wait_s s" >&2; exit "$busy"; }
  nap 0.01
done
