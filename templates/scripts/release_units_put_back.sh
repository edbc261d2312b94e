# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Puts back what release_units_install.sh replaced (src/steps/release-units.ts): each saved file
# ($saved_N) that is there is copied over its live one ($live_N); systemd reloads its units when
# the service unit is among them.
# Prologue: count live_N saved_N (N from 0) daemon_reload.
for ((i = 0; i < count; i++)); do
  live=live_$i saved=saved_$i
  if [ -f "${!saved}" ]; then cp -a -- "${!saved}" "${!live}"; fi
done
if [ "$daemon_reload" = 1 ]; then systemctl daemon-reload; fi
