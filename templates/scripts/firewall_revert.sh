# shellcheck shell=sh disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The firewall's way back, run by a transient timer unless a new SSH login confirms the new rules
# in time: the last confirmed ruleset (or no table at all), and this app's previous request.
# Prologue: table rules unit previous own_request reverted revert_after.
nft delete table inet "$table" 2>/dev/null
if [ -f "$rules" ] && systemctl is-enabled --quiet "$unit"; then nft -f "$rules"; fi
if [ -f "$previous" ]; then cp -a "$previous" "$own_request"; else rm -f "$own_request"; fi
touch "$reverted"
echo "<3>the firewall was not confirmed by a new SSH login within $revert_after s: reverted to the previous rules"
