# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The daily dump of database: postgres (src/provision/pg-timer.ts), first part: for an external
# server its root-only password file from stdin's first line (compared silently: a dry run's diff
# must not print it), else that file removed. write_files.sh (the script and units) and
# units_on.sh follow.
# Prologue: external (1 for an external server) pass (the password file).
if [ "$external" = 1 ]; then
  IFS= read -r pwline
  if [ ! -f "$pass" ] || [ "$(cat "$pass")" != "$pwline" ] || [ "$(stat -c '%a %U' "$pass")" != "600 root" ]; then
    mark "$pass"
    [ "$dry" = 1 ] || { (umask 077; printf '%s\n' "$pwline" > "$pass.new"); chown root:root "$pass.new"; mv -f "$pass.new" "$pass"; }
  fi
  unset pwline
elif [ -e "$pass" ]; then mark "$pass"; act rm -f "$pass"; fi
