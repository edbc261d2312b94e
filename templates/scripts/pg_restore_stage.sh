# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Part one of a PostgreSQL restore (after pg_prelude.sh): the dump found ($id, or the newest with
# $latest = 1) and listed, restored into the fresh database; nothing live changed. Exits $not_found
# or $corrupt saying why.
# Prologue: backups id latest suffix not_found corrupt.
if [ "$latest" = 1 ]; then
  # shellcheck disable=SC2012 # dump names are the tool's own (DBNAME-ID.dump): no blanks
  file=$(ls -1t -- "$backups"/"$db"-*"$suffix" 2>/dev/null | head -n 1)
  [ -n "$file" ] || { echo "no PostgreSQL dump of $db on the server (in $backups)" >&2; exit "$not_found"; }
else
  file="$backups/$id"
  case "$id" in *"$suffix") ;; *) echo "$id is not a PostgreSQL dump (DBNAME-ID$suffix)" >&2; exit "$not_found";; esac
  if [ ! -f "$file" ] || [ -L "$file" ]; then echo "no backup $id on the server (in $backups); mode backups lists them" >&2; exit "$not_found"; fi
fi
old_db=$(pgv <<'SQL'
SELECT 1 FROM pg_database WHERE datname = :'o';
SQL
)
if [ -n "$old_db" ]; then echo "the database $old (the database as it was before an earlier restore, whose safety dump was not made) is still there: check it and drop or rename it first" >&2; exit "$not_found"; fi
pg_restore --list < "$file" > /dev/null 2>&1 || { echo "pg_restore --list cannot read $(basename -- "$file")" >&2; exit "$corrupt"; }
pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"w";
SQL
pgv <<'SQL' >/dev/null
CREATE DATABASE :"w" OWNER :"r" TEMPLATE template0 ENCODING 'UTF8';
REVOKE ALL ON DATABASE :"w" FROM PUBLIC;
SQL
# As postgres, with the objects made by (and owned by) the app's role; the file is opened by root.
if ! runuser -u postgres -- pg_restore --exit-on-error --no-owner --role="$role" --dbname="$fresh" < "$file" 2> "$err"; then
  pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"w";
SQL
  echo "the dump $(basename -- "$file") does not restore: $(tail -n 3 "$err" | tr '\n' ' ' | cut -c1-300)" >&2; exit "$corrupt"
fi
echo "id=$(basename -- "$file")"
echo "size=$(stat -c %s -- "$file")"
