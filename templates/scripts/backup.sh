# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# SQLite's online backup of $db before a deploy, never cp: a copy of a live (WAL) database can be
# corrupt or miss tables. Made as the app's user, never root: a root sqlite3 that opens the live
# WAL database while no worker has it open creates its -wal/-shm files owned by root, and until it
# closes them every worker fails to open the database. The copy is checked before it counts
# (exit 4), and only the newest $keep are kept.
# Prologue: db sqlite_db tmp out user shared backups base keep root_read.
if [ ! -f "$db" ]; then echo "skipped=no database at $sqlite_db yet"; exit 0; fi
rm -f "$tmp"
# A deploy's shell may run ahead of the app for the CPU (deploy_ahead.sh); copying and checking a
# large database takes seconds to minutes, so from here this shell is back at the app's level.
if [ "$(stat -c %s -- "$db")" -gt 67108864 ]; then echo 0 > /proc/self/autogroup 2>/dev/null || true; fi
runuser -u "$user" -- sqlite3 -cmd '.timeout 15000' "$db" ".backup '$tmp'"
# The copy was made in shared/, which the app owns: root reads it once, never through a link
# (a regular file of the app's user with one link), into backups/, which only root writes.
rm -f "$out"
python3 -I -c "$root_read" copy "$shared" "${tmp##*/}" "$user" "$out" raw 640 db || { runuser -u "$user" -- rm -f "$tmp"; echo "the backup is not a regular file of $user" >&2; exit 4; }
runuser -u "$user" -- rm -f "$tmp"
chgrp "$user" "$out"
check=$(runuser -u "$user" -- sqlite3 -readonly "$out" 'PRAGMA integrity_check')
if [ "$check" != ok ]; then echo "integrity_check of the backup: $check" >&2; mv "$out" "$out.corrupt"; exit 4; fi
# Backup names are the deploy's own (DB-RELEASE.db): no blanks.
# shellcheck disable=SC2012
ls -1t "$backups"/"$base"-*.db | tail -n +"$((keep + 1))" | xargs -r rm -f --
echo "backup=$out"
echo "size=$(stat -c %s "$out")"
