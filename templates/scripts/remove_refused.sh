# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# A refused release goes at once, unless current points at it: moved out of releases/ and deleted
# now, not at the next prune (a build that filled the disk gives the space back now).
# Prologue: release release_dir release_link current trash.
if [ -d "$release_dir" ] && [ "$(readlink "$current")" != "$release_link" ]; then
  t="$trash/$(date +%s%N)"; mkdir -p "$t"; mv -T -- "$release_dir" "$t/release-$release"
  rm -rf -- "$t"
fi
