# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Part two of a PostgreSQL restore (after pg_prelude.sh), requests held: the service stops,
# leftover sessions end, (for a rollback, $expect_lsn set) the WAL position must still be the one
# after the migration, else the rows changed since are counted and a write exits $changed; the
# databases are swapped in one transaction, the service starts; then the old one is dumped as the
# safety copy (noted in $marker for the cleanup).
# Prologue: socket service expect_lsn safety_prefix suffix user marker current changed put_back_code.
systemctl is-active --quiet "$socket" || echo "warning=the socket unit $socket is not active: requests are refused while the service is stopped"
echo "stopped_ns=$(date +%s%N)"
systemctl stop "$service"
started=no
start() { [ "$started" = yes ] || { systemctl start "$service"; started=yes; }; }
kick
if [ -n "$expect_lsn" ]; then
  # Only a database nobody wrote to since the migration finished may be rolled back.
  now=$(pgv -c 'SELECT pg_current_wal_flush_lsn()')
  if [ "$now" != "$expect_lsn" ]; then
    # The WAL records since expect_lsn that change rows of database :'d' (fails when unreadable).
    writes=$(oid=$(pgv <<'SQL'
SELECT oid FROM pg_database WHERE datname = :'d';
SQL
) && v=$(pgv -c 'SHOW server_version_num') && wal="$(pgv -c 'SHOW data_directory')/pg_wal" &&
  runuser -u postgres -- /usr/lib/postgresql/$((v / 10000))/bin/pg_waldump -p "$wal" -s "$expect_lsn" -e "$now" 2>/dev/null |
  awk -v db="$oid" '$0 ~ ("rel [0-9]+/" db "/") && (($2 == "Heap" && $0 !~ /desc: INPLACE/) || ($2 == "Heap2" && $0 ~ /desc: MULTI_INSERT/) || $2 == "Sequence") {n++} END {print n + 0}') || writes="unknown (the WAL could not be read)"
    if [ "$writes" != 0 ]; then start; echo "changed=$writes"; exit "$changed"; fi
  fi
fi
swapped=no
for _ in 1 2 3 4 5; do
  kick
  if pgv <<'SQL' >/dev/null 2>"$err"; then swapped=yes; break; fi
BEGIN;
ALTER DATABASE :"d" RENAME TO :"o";
ALTER DATABASE :"w" RENAME TO :"d";
COMMIT;
SQL
  sleep 0.2
done
if [ "$swapped" != yes ]; then start; echo "the databases could not be swapped: $(tail -n 2 "$err" | tr '\n' ' ')" >&2; exit "$put_back_code"; fi
echo "swapped_ns=$(date +%s%N)"
start
echo "started_ns=$(date +%s%N)"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
safety="$safety_prefix$stamp$suffix"
if runuser -u postgres -- pg_dump --format=custom --dbname="$old" > "$safety.tmp" && pg_restore --list "$safety.tmp" > /dev/null; then
  mv "$safety.tmp" "$safety"; chown root:"$user" "$safety"; chmod 0640 "$safety"
  printf '%s\n' "$safety" > "$marker"
  echo "safety=$(basename -- "$safety")"
else
  rm -f "$safety.tmp"; echo "safety=none (the old database is kept as $old)"
fi
echo "restored=yes"
echo "current=$(basename "$(readlink "$current")")"
