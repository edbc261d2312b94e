# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The venv of a release (src/steps/venv.ts): its key (key_script: venv_key.sh), whether the venv
# of that key may serve (usable_script: venv_usable.sh), else, with lookup_only=yes, exit
# $needs_build (the build takes a channel of its own), or venv_build (the caller's: pip in a
# transient unit); then the release's .venv link to it. Root only composes: everything that reads
# the release or writes a venv runs as the build user (as_user, as_user.sh before it).
# Prologue: build_user venvs venv_link key_script usable_script lookup_only needs_build.
hash=$(as_user "$build_user" "$key_script")
venv=$venvs/$hash
echo "hash=$hash"
if as_user "$build_user" "$usable_script" "$venv"; then
  echo reused=yes
else
  echo reused=no
  if [ "$lookup_only" = yes ]; then exit "$needs_build"; fi
  venv_build
fi
# shellcheck disable=SC2016 # $1 and $2 are the build user's shell's
as_user "$build_user" 'rm -rf -- "$2"; ln -s -- "$1" "$2"' "$venv" "$venv_link"
