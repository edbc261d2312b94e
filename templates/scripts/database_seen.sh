# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Notes once that a live release had its SQLite database ($db_file; '' without sqlite-db): after
# that, a missing one went missing (src/deploy/remembered.ts).
# Prologue: db_file seen_file.
if [ -n "$db_file" ] && [ -f "$db_file" ] && [ ! -f "$seen_file" ]; then date -u +'seen %Y-%m-%dT%H:%MZ' > "$seen_file" || true; fi
