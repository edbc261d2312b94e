# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# What every PostgreSQL restore script starts with (after pg_root, psql as postgres): pgv runs SQL
# on stdin as postgres with the names as psql variables (never SQL text): :"r" the app's role, :"d"
# its database, :"w" the fresh one, :"o" the old one, :"f" the failed one; kick ends leftover sessions.
# Prologue: role db fresh old failed.
set -o pipefail
cd /
err=$(mktemp); trap 'rm -f "$err"' EXIT
# shellcheck disable=SC2120 # the restore scripts after this one pass it psql options
pgv() { pg_root -v r="$role" -v d="$db" -v w="$fresh" -v o="$old" -v f="$failed" "$@"; }
# shellcheck disable=SC2119 # SQL on stdin, no options
kick() { pgv <<'SQL' >/dev/null
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN (:'d', :'o') AND pid <> pg_backend_pid();
SQL
}
