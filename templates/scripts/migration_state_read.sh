# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Prints `migrated_ID=schema=...` per release whose pre-activate changed the schema, and
# `database_ahead=ID` while the database holds a migration older code serves with
# (src/deploy/migration-state.ts). Read-only; runs inside the scripts that read a server's releases.
# Prologue: migrations_dir ahead_path.
for f in "$migrations_dir"/*; do [ -f "$f" ] && printf 'migrated_%s=%s\n' "$(basename "$f")" "$(head -c 200 "$f" | tr -d '\n')"; done
if [ -f "$ahead_path" ]; then printf 'database_ahead=%s\n' "$(head -c 200 "$ahead_path" | tr -d '\n')"; fi
