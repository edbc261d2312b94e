# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The restored database failed the health proof (after pg_prelude.sh): the old one back, by name,
# requests held.
# Prologue: service.
systemctl stop "$service"
for _ in 1 2 3 4 5; do
  kick
  pgv <<'SQL' >/dev/null && { echo "put_back=yes"; break; }
DROP DATABASE IF EXISTS :"f";
BEGIN;
ALTER DATABASE :"d" RENAME TO :"f";
ALTER DATABASE :"o" RENAME TO :"d";
COMMIT;
SQL
  sleep 0.2
done
systemctl start "$service"
pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"f";
SQL
