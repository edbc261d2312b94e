# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# A rollback's own configuration (src/steps/release-units.ts): each live file ($live_N) is saved as
# $saved_N in the fresh root-only $config_previous, then the target release's kept copy ($kept_N)
# is installed over it; systemd reloads its units when the service unit is among them.
# Prologue: config_previous count live_N saved_N kept_N (N from 0) daemon_reload.
rm -rf -- "$config_previous"; install -d -m 0700 "$config_previous"
for ((i = 0; i < count; i++)); do
  live=live_$i saved=saved_$i kept=kept_$i
  cp -a -- "${!live}" "${!saved}"
  install -m 0644 -o root -g root -- "${!kept}" "${!live}"
done
if [ "$daemon_reload" = 1 ]; then systemctl daemon-reload; fi
