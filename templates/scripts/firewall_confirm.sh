# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Stage two, over the new connection: stops the revert, unless it already ran (exit $too_late).
# Then write_files.sh makes the ruleset permanent and firewall_confirmed.sh enables it.
# Prologue: reverted revert_unit too_late pending revert_script previous (and firewall_lib.sh's).
firewall_lock
# A timer that fired stays active (elapsed): only one still waiting can be stopped in time, and the
# revert must not have started meanwhile.
if [ -e "$reverted" ] || [ "$(systemctl show -p SubState --value "$revert_unit.timer")" != waiting ]; then exit "$too_late"; fi
systemctl stop "$revert_unit.timer"
if [ -e "$reverted" ] || [ "$(systemctl show -p ExecMainStartTimestampMonotonic --value "$revert_unit.service")" != 0 ]; then exit "$too_late"; fi
rm -f "$pending" "$revert_script" "$previous"
