# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After the upload (src/steps/upload.ts): a shared path missing in shared/ is seeded from the
# release, read by the build user and written by the app's user, who owns shared/ (a file copied
# as a file, or made empty, never through a link that appeared meanwhile; a folder by a tar pipe).
# Its parents are made if missing, never re-moded (shared/ may be o+x for nginx's uploads). Then
# the build user finishes the release folder (finish_script: release_finish.sh), reading the
# manifest from this script's stdin. Before it: as_user (as_user.sh). Prologue: build_user
# app_user shared incoming seeds (one a line: `file PATH` or `dir PATH`) finish_script.
# shellcheck disable=SC2016 # each $1 is the unprivileged shell's own
seed() {
  local kind=$1 target=$shared/$2 from=$incoming/$2
  if [ -e "$target" ] || [ -L "$target" ]; then return 0; fi
  if [ "$kind" = file ]; then
    as_user "$build_user" 'if [ -f "$1" ] && [ ! -L "$1" ]; then cat -- "$1"; fi' "$from" </dev/null \
      | as_user "$app_user" 'umask 027; mkdir -p -- "$(dirname -- "$1")"; set -C; cat > "$1"' "$target"
  else
    as_user "$build_user" 'if [ -d "$1" ] && [ ! -L "$1" ]; then tar -C "$1" -cf - .; else tar -cf - -T /dev/null; fi' "$from" </dev/null \
      | as_user "$app_user" 'umask 027; mkdir -p -- "$(dirname -- "$1")"; install -d -m 0750 -- "$1"; tar -C "$1" --no-same-owner -xf -' "$target"
  fi
}
to_seed=()
if [ -n "$seeds" ]; then mapfile -t to_seed <<< "$seeds"; fi
for line in "${to_seed[@]}"; do seed "${line%% *}" "${line#* }"; done
as_user "$build_user" "$finish_script"
