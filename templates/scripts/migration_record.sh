# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After a release's pre-activate succeeded (src/deploy/migration-state.ts): its record in
# $migrations_dir when the schema changed ($changed 1: `schema=BEFORE->AFTER`), else none; the
# database is no longer ahead of the code; records of releases no longer on the server go.
# Prologue: migrations_dir record changed schema_before schema_after ahead_path releases.
install -d -m 0700 "$migrations_dir"
if [ "$changed" = 1 ]; then printf 'schema=%s->%s\n' "$schema_before" "$schema_after" > "$record"; else rm -f "$record"; fi
rm -f "$ahead_path"
for f in "$migrations_dir"/*; do [ -e "$f" ] || continue; [ -d "$releases"/"${f##*/}" ] || rm -f -- "$f"; done
