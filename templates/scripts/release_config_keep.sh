# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Keeps the live service unit and Gunicorn config as $keep_release's (src/deploy/release-config.ts):
# copied into $keep_to.new in root's $release_config_dir, which then replaces $keep_to as a whole.
# Written with the history line of a release that went live; a failure is a warning, never the
# deploy's. The folders of releases no longer in $releases go, and so do their records in root's
# $states_dir and $settings_dir (which release_states_tidy.sh would forget at the next deploy's
# check): one rm for all of them.
# Prologue: release_config_dir keep_to keep_release kept_count kept_live_N kept_name_N (N from 0)
# releases states_dir settings_dir.
# It runs on the critical path of every deploy: a process only where there is work (one install
# makes the folder and copies every file when each keeps its live name).
gd_keep_config() {
  local i live name files=() one=yes
  if [ ! -d "$release_config_dir" ]; then install -d -m 0755 -o root -g root "$release_config_dir" || return 1; fi
  if [ -e "$keep_to.new" ] || [ -L "$keep_to.new" ]; then rm -rf -- "$keep_to.new" || return 1; fi
  for ((i = 0; i < kept_count; i++)); do
    live=kept_live_$i name=kept_name_$i
    files+=("${!live}")
    [ "${!live##*/}" = "${!name}" ] || one=no
  done
  if [ "$one" = yes ]; then
    # -D makes the folder root's and 0755 whatever the umask (install -d -m 0755 made it so).
    install -D -m 0644 -o root -g root -t "$keep_to.new" -- "${files[@]}" || return 1
  else
    install -d -m 0755 -o root -g root "$keep_to.new" || return 1
    for ((i = 0; i < kept_count; i++)); do
      live=kept_live_$i name=kept_name_$i
      install -m 0644 -o root -g root -- "${!live}" "$keep_to.new/${!name}" || return 1
    done
  fi
  if [ -e "$keep_to" ] || [ -L "$keep_to" ]; then rm -rf -- "$keep_to" || return 1; fi
  mv -T -- "$keep_to.new" "$keep_to"
}
gd_keep_config || echo "warning: the configuration of $keep_release was not kept for a rollback" >&2
gd_gone=()
for d in "$release_config_dir"/*; do [ -d "$d" ] || continue; [ -d "$releases"/"${d##*/}" ] || gd_gone+=("$d"); done
# (Never a glob of / if a value were missing: the records are then left to release_states_tidy.sh.)
if [ -n "${states_dir:-}" ] && [ -n "${settings_dir:-}" ]; then
  for f in "$states_dir"/* "$settings_dir"/*.json; do
    [ -f "$f" ] || continue; gd_rec=${f##*/}; [ -d "$releases"/"${gd_rec%.json}" ] || gd_gone+=("$f")
  done
fi
if [ "${#gd_gone[@]}" -gt 0 ]; then rm -rf -- "${gd_gone[@]}"; fi
