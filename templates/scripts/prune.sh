# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Keeps the newest $keep_releases releases, those named in $keep_also, and the one current points
# at; venvs no kept release links to go too (the pip cache stays). What goes is renamed into a
# fresh folder under $trash_root at once, and deleted right after by a low-priority transient unit.
# Prologue: releases current venvs trash_root keep_releases keep_also.
# Globs and bash's own expansions, not ls, sort and basename: it runs after every deploy, and a
# process costs a few ms on a busy server (a glob sorts as `ls | sort` did).
cd "$releases" || exit
cur=$(readlink "$current") || cur=""
all=()
for r in *; do if [ -e "$r" ] || [ -L "$r" ]; then all+=("$r"); fi; done
newest=$(( ${#all[@]} > keep_releases ? ${#all[@]} - keep_releases : 0 ))
keep=" $keep_also ${cur##*/} ${all[*]:newest} "
trash="$trash_root/${EPOCHREALTIME/./}"
removed=0
for r in "${all[@]}"; do
  case "$keep" in *" $r "*) continue;; esac
  mkdir -p "$trash"; mv -T -- "$r" "$trash/release-$r"; removed=$((removed + 1))
done
# The venvs the kept releases link to: one readlink for all of them.
used=" "
links=()
for r in */.venv; do if [ -L "$r" ]; then links+=("$r"); fi; done
if [ "${#links[@]}" -gt 0 ]; then
  while IFS= read -r v; do used="$used${v##*/} "; done < <(readlink -f -- "${links[@]}" 2>/dev/null || true)
fi
venvs_removed=0
for v in "$venvs"/*; do
  v=${v##*/}
  case "$v" in '*'|.pip-cache|*.pip.log) continue;; esac
  case "$used" in *" $v "*) continue;; esac
  mkdir -p "$trash"; mv -T -- "$venvs/$v" "$trash/venv-$v"; venvs_removed=$((venvs_removed + 1))
done
# Also whatever an earlier removal left (a reboot in the middle of one).
left=no
for t in "$trash_root"/* "$trash_root"/.[!.]*; do if [ -e "$t" ] || [ -L "$t" ]; then left=yes; break; fi; done
if [ "$left" = yes ]; then
  # shellcheck disable=SC2016 # $1 is the inner shell's
  systemd-run --quiet --no-block --collect -p Nice=19 -p IOSchedulingClass=idle \
    -- sh -c 'rm -rf -- "$1"/*' sh "$trash_root" 2>/dev/null || rm -rf -- "${trash_root:?}"/*
fi
kept=0
for r in *; do if [ -e "$r" ] || [ -L "$r" ]; then kept=$((kept + 1)); fi; done
echo "releases_removed=$removed"
echo "venvs_removed=$venvs_removed"
echo "releases_kept=$kept"
