# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Keeps the newest $keep_releases releases, those named in $keep_also, and the one current points
# at; venvs no kept release links to go too (the pip cache stays). What goes is renamed into a
# fresh folder under $trash_root at once, and deleted right after by a low-priority transient unit.
# Prologue: releases current venvs trash_root keep_releases keep_also.
# Release and venv names are the deploy's own (no blanks, no globs): word-splitting ls is safe here.
# shellcheck disable=SC2045,SC2012
cd "$releases" || exit
keep=" $keep_also $(basename "$(readlink "$current")") $(ls -1 | sort | tail -n "$keep_releases" | tr '\n' ' ') "
trash="$trash_root/$(date +%s%N)"
removed=0
for r in $(ls -1 | sort); do
  case "$keep" in *" $r "*) continue;; esac
  mkdir -p "$trash"; mv -T -- "$r" "$trash/release-$r"; removed=$((removed + 1))
done
used=" $(for r in */; do readlink -f "$r.venv" 2>/dev/null; done | xargs -r -n1 basename | sort -u | tr '\n' ' ') "
venvs_removed=0
for v in $(ls -1 "$venvs"); do
  case "$v" in .pip-cache|*.pip.log) continue;; esac
  case "$used" in *" $v "*) continue;; esac
  mkdir -p "$trash"; mv -T -- "$venvs/$v" "$trash/venv-$v"; venvs_removed=$((venvs_removed + 1))
done
# Also whatever an earlier removal left (a reboot in the middle of one).
if [ -n "$(ls -A "$trash_root" 2>/dev/null)" ]; then
  # shellcheck disable=SC2016 # $1 is the inner shell's
  systemd-run --quiet --no-block --collect -p Nice=19 -p IOSchedulingClass=idle \
    -- sh -c 'rm -rf -- "$1"/*' sh "$trash_root" 2>/dev/null || rm -rf -- "${trash_root:?}"/*
fi
echo "releases_removed=$removed"
echo "venvs_removed=$venvs_removed"
echo "releases_kept=$(ls -1 | wc -l)"
