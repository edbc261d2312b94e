# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Prints the venv's key (src/steps/venv.ts), as the build user: a digest of the dependency list,
# the interpreter's version and how venvs are built. Prologue: py req req_name deps_kind
# pyproject_deps extras build_line versions no_requirements deps_unreadable.
if [ ! -f "$req" ]; then echo "no $req_name in the release" >&2; exit "$no_requirements"; fi
# sys.version, kept per interpreter file (device, inode, size, times) in $versions: a code-only
# deploy starts no Python for its key. An upgraded interpreter is another file, asked again. The
# text is what `print(sys.version)` prints, so the keys of existing venvs stay as they were.
version() {
  local bin id v
  bin=$(command -v -- "$py" || true)
  # The change time too (no one can set it): a file replaced in place is never taken for the old.
  id=$(stat -L -c '%d-%i-%s-%.9Y-%.9Z' -- "${bin:-$py}" 2>/dev/null || true)
  case "$id" in *[!0-9.-]*) id="" ;; esac
  if [ -n "$id" ] && [ -s "$versions/$id" ]; then cat -- "$versions/$id"; return 0; fi
  v=$("$py" -c 'import sys; print(sys.version)')
  printf '%s\n' "$v"
  [ -n "$id" ] || return 0
  { mkdir -p -- "$versions" && printf '%s\n' "$v" > "$versions/$id.$$" && mv -f -- "$versions/$id.$$" "$versions/$id"; } 2>/dev/null \
    || rm -f -- "$versions/$id.$$" 2>/dev/null || true
}
list() {
  if [ "$deps_kind" = pyproject ]; then
    # A pyproject.toml keys the venv by the dependency list drawn from it, so a version bump or a
    # tool's table changing does not cost a new venv and a restart.
    local deps
    deps=$("$py" -c "$pyproject_deps" "$req" "$extras") || exit "$deps_unreadable"
    printf 'pyproject-deps=%s\n' "$deps"
  else
    # A requirements file keys the venv by its whole text.
    cat -- "$req"
  fi
}
{ list; version; echo "$build_line"; } | sha256sum | cut -c1-16
