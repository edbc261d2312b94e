# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The local PostgreSQL of `database: postgres` (src/provision/postgres.ts): Debian's cluster enabled
# and running, a role named after the app's user that can log in only through the unix socket with
# peer authentication, without any power beyond its own objects, and the database it owns. The
# names travel only as psql variables (:'x' literal, :"x" identifier). A database that exists with
# another owner is refused (exit $other_owner), never taken over.
# Prologue: role db other_owner.
set -e
# Every SQL as postgres, SQL on stdin, from /.
pg_root() { (cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres "$@"); }
if ! command -v pg_lsclusters >/dev/null; then
  echo "would=install postgresql and create the role $role and the database $db"; mark postgresql
else
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    mark cluster
    # shellcheck disable=SC2012 # version folders (15, 16, 17): plain names
    v=$(ls /usr/lib/postgresql | sort -n | tail -1); act pg_createcluster "$v" main >/dev/null
  fi
  if ! systemctl is-enabled --quiet postgresql 2>/dev/null; then mark enabled; act systemctl enable --quiet postgresql; fi
  if ! systemctl is-active --quiet postgresql || pg_lsclusters -h | awk '$4 != "online" {f=1} END {exit !f}'; then
    mark started; act systemctl start postgresql
    [ "$dry" = 1 ] || for c in $(pg_lsclusters -h | awk '$4 != "online" {print $1 "/" $2}'); do act pg_ctlcluster "${c%/*}" "${c#*/}" start; done
  fi
  if [ "$dry" != 1 ]; then
    for _ in $(seq 1 150); do pg_isready -q && break; sleep 0.2; done
    pg_isready -q || { echo "PostgreSQL does not accept connections (pg_lsclusters: $(pg_lsclusters -h | tr '\n' ' '))" >&2; exit 4; }
  fi
  if pg_isready -q; then
    facts=$(pg_root -F ' ' -v r="$role" -v d="$db" <<'SQL'
SELECT 'role=' || coalesce((SELECT CASE WHEN rolcanlogin AND NOT (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls) THEN 'ok' ELSE 'powers' END FROM pg_roles WHERE rolname = :'r'), 'none');
SELECT 'owner=' || coalesce((SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'d'), '');
SELECT 'version=' || current_setting('server_version_num');
SQL
)
    role_st=$(printf '%s\n' "$facts" | sed -n 's/^role=//p'); owner=$(printf '%s\n' "$facts" | sed -n 's/^owner=//p')
    echo "pg_$(printf '%s\n' "$facts" | grep '^version=')"
    if [ "$role_st" != ok ]; then
      mark "role"
      if [ "$dry" = 1 ]; then echo "would=make the role $role (login, no other power)"; else
        { [ "$role_st" = none ] && echo 'CREATE ROLE :"r" LOGIN;'
          echo 'ALTER ROLE :"r" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;'; } | pg_root -v r="$role"
      fi
    fi
    if [ -z "$owner" ]; then
      mark "database"
      if [ "$dry" = 1 ]; then echo "would=create the database $db owned by $role"; else
        pg_root -v r="$role" -v d="$db" <<'SQL'
CREATE DATABASE :"d" OWNER :"r" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"d" FROM PUBLIC;
SQL
      fi
    elif [ "$owner" != "$role" ]; then
      echo "owner=$owner"; exit "$other_owner"
    fi
  fi
fi
