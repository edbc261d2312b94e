# shellcheck shell=sh disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Forgets the state records and kept settings of releases no longer in $releases
# (src/deploy/release-record.ts), with one rm for all of them. Plain sh (the import check runs it
# under sh): the list is a function's own arguments.
# Prologue: states_dir settings_dir releases.
gd_forget() {
  set --
  for f in "$states_dir"/* "$settings_dir"/*.json; do [ -e "$f" ] || continue; gd_rec=${f##*/}; [ -d "$releases"/"${gd_rec%.json}" ] || set -- "$@" "$f"; done
  if [ "$#" -gt 0 ]; then rm -f -- "$@"; fi
}
gd_forget
