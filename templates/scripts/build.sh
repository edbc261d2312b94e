# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# shellcheck disable=SC2034 # rc is for build_end.sh
# The build commands, as the build user in a transient unit (src/steps/build.ts), in the new
# release: a delta release is first cut to what its manifest lists and its hardlinked files get
# inodes of their own (prune_unlisted.py, unshare_linked.py), so the build never writes into the
# release that serves. Then the release is frozen (nothing writable by the app's user); the disk
# floor follows (disk_probe.sh, build_end.sh). rc is the build's exit status.
# Prologue: release manifest_file manifest_header keep (one path a line) prune_unlisted
# unshare_linked build.
set -euo pipefail
mapfile -t keep_paths <<< "$keep"
if [ -f "$release/$manifest_file" ]; then python3 -c "$prune_unlisted" "$manifest_file" "$manifest_header" "$release" "${keep_paths[@]}"; fi
python3 -c "$unshare_linked" "$release" "${keep_paths[@]}"
rc=0
# Its own bash: errexit is ignored inside a subshell whose status is tested (`( ... ) || rc=$?`),
# so there a failing command went unnoticed when a later one succeeded.
bash -euo pipefail -c "$build" </dev/null || rc=$?
chmod -R go-w -- "$release" || true
