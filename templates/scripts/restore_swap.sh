# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Part two of a restore: with the service stopped and its socket unit still listening
# (connections wait in the socket's backlog), takes the safety copy of the database as it is,
# restores the staged backup into the same file with SQLite's backup API as the app's user (so the
# file, -wal and -shm keep their owner), checkpoints the WAL and checks the result, then starts
# the service. Any failure after the safety copy puts it back, starts the service and exits
# $put_back_code. With $expect_fingerprint set, a database written since then is kept: exit $changed.
# Prologue: db work safety_prefix socket service user root_read current expect_fingerprint
# changed put_back_code.
[ -f "$work/restore.db" ] || { echo "the staged backup is gone from $work" >&2; exit 3; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
safety="$safety_prefix$stamp.db"
systemctl is-active --quiet "$socket" || echo "warning=the socket unit $socket is not active: requests are refused while the service is stopped"
echo "stopped_ns=$(date +%s%N)"
systemctl stop "$service"
started=no
start() { [ "$started" = yes ] || { systemctl start "$service"; started=yes; }; }
if [ -f "$db" ]; then
  # Nothing has the database open now: fold the WAL into the file, then copy it.
  runuser -u "$user" -- sqlite3 -bail -cmd '.timeout 15000' "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
  if [ -n "$expect_fingerprint" ]; then
    # Only a database nobody wrote to since the fingerprint was taken may be replaced.
    now=$(runuser -u "$user" -- sqlite3 -cmd '.timeout 15000' "$db" '.sha3sum')
    if [ "$now" != "$expect_fingerprint" ]; then start; echo "changed=yes"; exit "$changed"; fi
  fi
  # Made by the app's user in its own folder; root keeps a copy read without following a link.
  runuser -u "$user" -- sqlite3 -bail -cmd '.timeout 15000' "$db" ".backup '$work/app/safety.db'"
  [ "$(runuser -u "$user" -- sqlite3 "$work/app/safety.db" 'PRAGMA integrity_check')" = ok ] || { echo "the safety copy of the current database fails integrity_check; nothing was restored" >&2; start; exit 4; }
  python3 -I -c "$root_read" copy "$work/app" safety.db "$user" "$safety" raw 640 || { echo "the safety copy could not be kept; nothing was restored" >&2; start; exit 4; }
  chgrp "$user" "$safety"
  echo "safety=$(basename -- "$safety")"
else
  echo "safety=none (no database yet)"
fi
put_back() {
  echo "restore failed: $1; putting the safety copy back" >&2
  if runuser -u "$user" -- test -f "$work/app/safety.db"; then
    runuser -u "$user" -- sqlite3 -bail -cmd '.timeout 15000' "$db" ".restore '$work/app/safety.db'"
    runuser -u "$user" -- sqlite3 -bail "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
  fi
  start
  exit "$put_back_code"
}
runuser -u "$user" -- sqlite3 -bail -cmd '.timeout 15000' "$db" ".restore '$work/restore.db'" || put_back "sqlite3 .restore failed"
runuser -u "$user" -- sqlite3 -bail "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null || put_back "the checkpoint failed"
check=$(runuser -u "$user" -- sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | head -n 1 || true)
[ "$check" = ok ] || put_back "the restored database fails integrity_check: ${check:0:200}"
# The file stays the app's: only the app's user wrote it (root never chowns a path in shared/).
start
echo "restored=yes"
echo "current=$(basename "$(readlink "$current")")"
