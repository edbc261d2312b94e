# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Forgets the state records and kept settings of releases no longer in $releases
# (src/deploy/release-record.ts).
# Prologue: states_dir settings_dir releases.
for f in "$states_dir"/* "$settings_dir"/*.json; do [ -e "$f" ] || continue; gd_rec=${f##*/}; [ -d "$releases"/"${gd_rec%.json}" ] || rm -f -- "$f"; done
