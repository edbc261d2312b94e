# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Before the upload (src/steps/upload.ts): partial uploads left by a dropped connection are
# removed, and the release serving now is recorded as the one to roll back to; the release's id is
# the wanted one, or the first free one after it. For a delta (delta=yes), the build user's
# hardlinked copy of that release (copy_script: release_copy.sh) is made here too, and its manifest
# printed, while the runner is still hashing the tree: root only looks at names. Before it:
# as_user (as_user.sh). Prologue: incoming current releases wanted_id delta build_user copy_script.
rm -rf "${incoming:?}"/* 2>/dev/null || true
if [ -L "$current" ]; then
  echo "previous=$(basename "$(readlink "$current")")"
  echo "previous_venv=$(basename "$(readlink -f "$current/.venv")")"
fi
echo "cores=$(nproc)"
id=$wanted_id
n=1
while [ -e "$releases/$id" ]; do n=$((n + 1)); id=$wanted_id-$n; done
echo "release=$id"
prev=$(readlink -f "$current" 2>/dev/null || true)
if [ "$delta" = yes ] && [ -n "$prev" ] && [ -d "$prev" ]; then
  if [ "$(stat -c %U "$prev")" = "$build_user" ]; then
    as_user "$build_user" "$copy_script" "$prev" "$incoming/$id"
  else
    echo copy=built-as-root
  fi
fi
