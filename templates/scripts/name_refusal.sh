# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After name_probe.sh: refuses (exit $gd_name_taken_exit) when something of the app's name is not
# the tool's, naming it and what to do.
# Prologue: gd_app_name gd_name_taken_exit.
if [ -n "$taken" ]; then
  echo "app-name \`$gd_app_name\` is taken on this server by something gunicorn-deploy did not create:$taken" >&2
  echo "Nothing was changed. Choose another app-name (it names the app's user, group and units), or remove what is listed if it is a leftover of yours." >&2
  exit "$gd_name_taken_exit"
fi
