# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After a PostgreSQL restore (after pg_prelude.sh): the fresh and failed copies go; the old
# database only when its safety dump ($marker names it) was made and is still there (else it stays,
# the only copy of the data).
# Prologue: marker.
pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"w";
DROP DATABASE IF EXISTS :"f";
SQL
if [ -f "$marker" ] && [ -f "$(cat "$marker")" ]; then pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"o";
SQL
fi
rm -f "$marker"
