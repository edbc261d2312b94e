# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The release folder finished (src/steps/upload.ts), as the build user: the manifest (on stdin,
# with with_manifest=yes), REVISION, the shared links, then the atomic move into releases/. A
# REVISION or manifest the repository ships (even a link to /etc/issue) is removed and replaced,
# never written through. Prologue: incoming manifest_file with_manifest revision shared
# shared_paths (one a line) release_dir.
rm -rf -- "$incoming/REVISION" "$incoming/${manifest_file:?}"
if [ "$with_manifest" = yes ]; then cat > "$incoming/$manifest_file"; fi
printf '%s\n' "$revision" > "$incoming/REVISION"
links=()
if [ -n "$shared_paths" ]; then mapfile -t links <<< "$shared_paths"; fi
for sp in "${links[@]}"; do
  rm -rf -- "$incoming/${sp:?}"
  link=$incoming/$sp
  install -d -m 0755 -- "${link%/*}"
  ln -s -- "$shared/$sp" "$link"
done
chmod -R go-w -- "$incoming"
mv -T -- "$incoming" "$release_dir"
