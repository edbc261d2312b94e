# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Sets name to the newest backup (a regular root-owned file matching either pattern, read by
# root_read.py without following a link), or exits $not_found. Names are matched by pattern, never
# taken into a command line.
# Prologue: root_read backups db_pattern daily_pattern sqlite_db not_found.
name=$(python3 -I -c "$root_read" newest "$backups" root "$db_pattern" "$daily_pattern")
[ -n "$name" ] || { echo "no backup of $sqlite_db on the server (in $backups)" >&2; exit "$not_found"; }
