# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Prints `state_ID=STATE` for every release in $releases, oldest first (`none` without a record)
# (src/deploy/release-record.ts). Read-only. Release names are the deploy's own (no blanks, no
# globs): word-splitting ls is safe here.
# Prologue: releases states_dir.
# shellcheck disable=SC2045,SC2012
for r in $(ls -1 "$releases" 2>/dev/null | sort); do
  printf 'state_%s=%s\n' "$r" "$(cat "$states_dir"/"$r" 2>/dev/null || echo none)"
done
