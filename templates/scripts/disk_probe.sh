# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Sets $free_mb, $need_mb and $disk_dir (app-dir, or its nearest existing parent) for the floor of
# min-free-space: gd_need_abs_mb (MB) and gd_need_pct (a share of the filesystem), the smaller of
# the two when both are given. Read-only; it runs inside other scripts.
# Prologue: gd_disk_of gd_need_abs_mb gd_need_pct.
disk_dir=$gd_disk_of
while [ ! -d "$disk_dir" ]; do disk_dir=$(dirname "$disk_dir"); done
read -r total_kb free_kb <<< "$(df -Pk "$disk_dir" | awk 'NR==2 {print $2, $4}')"
total_mb=$(( ${total_kb:-0} / 1024 ))
# shellcheck disable=SC2034 # the caller's
free_mb=$(( ${free_kb:-0} / 1024 ))
need_mb=0
[ -z "$gd_need_abs_mb" ] || need_mb=$gd_need_abs_mb
if [ -n "$gd_need_pct" ]; then
  gd_pct=$(( total_mb * gd_need_pct / 100 ))
  if [ -z "$gd_need_abs_mb" ] || [ "$gd_pct" -lt "$need_mb" ]; then need_mb=$gd_pct; fi
fi
