# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Keeps the live service unit and Gunicorn config as $keep_release's (src/deploy/release-config.ts):
# copied into $keep_to.new in root's $release_config_dir, which then replaces $keep_to as a whole.
# Written with the history line of a release that went live; a failure is a warning, never the
# deploy's. Folders of releases no longer in $releases go.
# Prologue: release_config_dir keep_to keep_release kept_count kept_live_N kept_name_N (N from 0)
# releases.
gd_keep_config() {
  install -d -m 0755 -o root -g root "$release_config_dir" && rm -rf -- "$keep_to.new" &&
    install -d -m 0755 -o root -g root "$keep_to.new" || return 1
  for ((i = 0; i < kept_count; i++)); do
    live=kept_live_$i name=kept_name_$i
    install -m 0644 -o root -g root -- "${!live}" "$keep_to.new/${!name}" || return 1
  done
  rm -rf -- "$keep_to" && mv -T -- "$keep_to.new" "$keep_to"
}
gd_keep_config || echo "warning: the configuration of $keep_release was not kept for a rollback" >&2
for d in "$release_config_dir"/*; do [ -d "$d" ] || continue; [ -d "$releases"/"${d##*/}" ] || rm -rf -- "$d"; done
