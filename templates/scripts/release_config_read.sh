# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Prints `rconfig_ID=KEYS` for every release with a complete kept set in $release_config_dir
# (src/deploy/release-config.ts): KEYS lists the kept files that differ from the live ones (empty:
# the release runs under the live files). Read-only; runs inside the scripts that read releases.
# Prologue: release_config_dir kept_count kept_name_N kept_live_N kept_key_N (N from 0).
for d in "$release_config_dir"/*; do
  [ -d "$d" ] || continue
  complete=1
  for ((i = 0; i < kept_count; i++)); do name=kept_name_$i; [ -f "$d/${!name}" ] || complete=0; done
  [ "$complete" = 1 ] || continue
  keys=""
  for ((i = 0; i < kept_count; i++)); do
    name=kept_name_$i live=kept_live_$i key=kept_key_$i
    cmp -s "$d/${!name}" "${!live}" || keys="$keys ${!key}"
  done
  printf 'rconfig_%s=%s\n' "${d##*/}" "${keys# }"
done
