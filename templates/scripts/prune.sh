# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Keeps the newest $keep_releases releases, those named in $keep_also, and the one current points
# at; venvs no kept release links to go too (the pip cache stays). What goes is renamed into
# $trash_root at once, and deleted right after by a low-priority transient unit.
# Prologue: releases current venvs trash_root keep_releases keep_also.
# Globs and bash's own expansions and builtins, not ls, sort, basename or readlink: it runs on
# the critical path of every deploy, and a process costs a few ms on a busy server (a glob sorts as
# `ls | sort` did). Links are resolved by `cd -P` (a chdir and its $PWD, the same path `readlink -f`
# prints): root only reads names and links in the build user's folders, never opens a file there.
cd -- "$releases" || exit
# current -> releases/ID: the ID it names.
cur=""
if cd -P -- "$current" 2>/dev/null; then cur=${PWD##*/}; fi
cd -- "$releases" || exit
all=()
for r in *; do if [ -e "$r" ] || [ -L "$r" ]; then all+=("$r"); fi; done
newest=$(( ${#all[@]} > keep_releases ? ${#all[@]} - keep_releases : 0 ))
keep=" $keep_also $cur ${all[*]:newest} "
gone_r=()
used=" "
for r in "${all[@]}"; do
  case "$keep" in
    *" $r "*)
      # The venv a kept release links to.
      if [ -L "$releases/$r/.venv" ] && cd -P -- "$releases/$r/.venv" 2>/dev/null; then used="$used${PWD##*/} "; fi ;;
    *) gone_r+=("$r") ;;
  esac
done
cd -- "$releases" || exit
gone_v=() gone_vp=()
for v in "$venvs"/*; do
  v=${v##*/}
  case "$v" in '*'|.pip-cache|*.pip.log) continue;; esac
  case "$used" in *" $v "*) continue;; esac
  gone_v+=("$v"); gone_vp+=("$venvs/$v")
done
removed=${#gone_r[@]}
venvs_removed=${#gone_v[@]}
# One rename each for one or two (a deploy usually retires one release, sometimes its venv too),
# else one folder and one mv per kind: the fewest processes either way.
stamp=${EPOCHREALTIME/./}
if [ $((removed + venvs_removed)) -gt 0 ] && [ ! -d "$trash_root" ]; then mkdir -p -- "$trash_root"; fi
if [ $((removed + venvs_removed)) -le 2 ]; then
  for r in "${gone_r[@]}"; do mv -T -- "$r" "$trash_root/$stamp-release-$r"; done
  for v in "${gone_v[@]}"; do mv -T -- "$venvs/$v" "$trash_root/$stamp-venv-$v"; done
else
  mkdir -p -- "$trash_root/$stamp/release" "$trash_root/$stamp/venv"
  if [ "$removed" -gt 0 ]; then mv -t "$trash_root/$stamp/release" -- "${gone_r[@]}"; fi
  if [ "$venvs_removed" -gt 0 ]; then mv -t "$trash_root/$stamp/venv" -- "${gone_vp[@]}"; fi
fi
# Also whatever an earlier removal left (a reboot in the middle of one).
left=no
for t in "$trash_root"/* "$trash_root"/.[!.]*; do if [ -e "$t" ] || [ -L "$t" ]; then left=yes; break; fi; done
if [ "$left" = yes ]; then
  # In the background, off the deploy's path: systemd-run's call to systemd was the slowest process
  # here. The unit, not this shell, does the removal, so it outlives the SSH session; nothing of
  # the background job holds this command's output or the root shell's queue (fd 3) open.
  # shellcheck disable=SC2016 # $1 is the inner shell's
  { systemd-run --quiet --no-block --collect -p Nice=19 -p IOSchedulingClass=idle \
    -- sh -c 'rm -rf -- "$1"/*' sh "$trash_root" || rm -rf -- "${trash_root:?}"/*; } \
    < /dev/null > /dev/null 2>&1 3<&- &
fi
kept=$(( ${#all[@]} - removed ))
echo "releases_removed=$removed"
echo "venvs_removed=$venvs_removed"
echo "releases_kept=$kept"
