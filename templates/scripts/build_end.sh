# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After build.sh and disk_probe.sh: what the build wrote counts against min-free-space; a build
# that fills the disk is refused (exit $no_space, and its release removed at once) rather than
# leaving the live app without space.
# Prologue: app_dir no_space.
if [ "$rc" = 0 ] && [ "$free_mb" -lt "$need_mb" ]; then
  echo "the build left only $free_mb MB free on the filesystem of $app_dir: min-free-space needs $need_mb MB" >&2
  rc=$no_space
fi
exit "$rc"
