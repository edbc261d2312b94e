# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Records what a release became ($state: built, refused, live, rolled-back) in $state_file, in
# root's $states_dir (src/deploy/release-record.ts). A just-built release's own settings follow
# (remembered.ts), then release_states_tidy.sh.
# Prologue: states_dir state state_file.
# The folder is made once (install -d -m 0700: root's own, in root's state folder); a process only
# then, as this runs on the critical path of every deploy, twice.
{ [ -d "$states_dir" ] || install -d -m 0700 "$states_dir"; } && printf '%s\n' "$state" > "$state_file"
