# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After disk_probe.sh: refuses (exit $gd_disk_full_exit) when the filesystem of app-dir has less
# free than min-free-space.
# Prologue: gd_app_dir gd_disk_full_exit.
if [ "$free_mb" -lt "$need_mb" ]; then
  echo "only $free_mb MB free on the filesystem of $gd_app_dir ($disk_dir): min-free-space needs $need_mb MB." >&2
  echo "Nothing was changed. Free space (old releases in releases/, venvs/, logs), grow the disk, or lower min-free-space." >&2
  exit "$gd_disk_full_exit"
fi
