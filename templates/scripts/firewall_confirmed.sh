# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The confirmed ruleset made permanent: the per-app tables it replaced go, the unit is enabled for
# the next boot and running now. Prologue: unit (and firewall_lib.sh's).
legacy_gone=0
remove_legacy
if echo "$changed" | grep -q /etc/systemd/system/ || [ "$legacy_gone" = 1 ]; then systemctl daemon-reload; fi
systemctl enable --quiet "$unit"
systemctl is-active --quiet "$unit" || systemctl start "$unit"
