# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Part one of a restore, nothing changed yet ($name is set before this): copies the backup
# (unpacked) into the restore's work folder, which only root writes (the app's user can read the
# copy but never swap it), and has the app's user check it there. A corrupt backup exits $corrupt
# with the database untouched.
# Prologue: root_read backups user work not_found corrupt.
rm -rf -- "$work"
install -d -m 0750 -o root -g "$user" "$work"
install -d -m 0700 -o "$user" -g "$user" "$work/app"
case "$name" in *.gz) how=gunzip;; *) how=raw;; esac
rc=0; err=$(python3 -I -c "$root_read" copy "$backups" "$name" root "$work/restore.db" "$how" 640 db 2>&1) || rc=$?
[ "$rc" != 5 ] || { echo "no backup $name on the server (in $backups); mode backups lists them" >&2; exit "$not_found"; }
[ "$rc" = 0 ] || { rm -rf -- "$work"; echo "the backup $name cannot be read: ${err:0:300}" >&2; exit "$corrupt"; }
chgrp "$user" "$work/restore.db"
check=$(runuser -u "$user" -- sqlite3 -readonly "$work/restore.db" 'PRAGMA integrity_check' 2>&1 | head -n 5 | tr '\n' ' ' || true)
if [ "$check" != "ok " ]; then
  rm -rf -- "$work"
  echo "the backup $name fails PRAGMA integrity_check: ${check:0:300}" >&2
  exit "$corrupt"
fi
echo "id=$name"
echo "size=$(stat -c %s -- "$backups"/"$name")"
echo "work=$work"
