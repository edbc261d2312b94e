# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# mode rollback, read-only: the serving release and its venv, and the venv of every release that
# still has one (a release whose venv is gone cannot start). Exits 3 without a releases folder.
# Prologue: releases current.
[ -d "$releases" ] || { echo "no releases in $releases" >&2; exit 3; }
cur=$(basename "$(readlink "$current")")
echo "current=$cur"
echo "current_venv=$(basename "$(readlink -f "$releases"/"$cur"/.venv)")"
# Release names are the deploy's own: no blanks, no globs.
# shellcheck disable=SC2045
for r in $(ls -1 "$releases"); do
  [ -e "$releases"/"$r"/.venv/bin/python ] && echo "venv_$r=$(basename "$(readlink -f "$releases"/"$r"/.venv)")"
done
