# shellcheck shell=bash
# Prints `lsn=POSITION`: the WAL position the local PostgreSQL has flushed to
# (pgFingerprint in src/steps/pg-restore.ts). After psql as postgres (`pg_root`, PSQL_AS_POSTGRES).
# No prologue.
cd /
echo "lsn=$(pg_root -c 'SELECT pg_current_wal_flush_lsn()')"
