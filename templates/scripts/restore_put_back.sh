# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Puts the safety copy back after the restored database failed the health proof.
# Prologue: db work service user.
systemctl stop "$service"
if runuser -u "$user" -- test -f "$work/app/safety.db"; then
  runuser -u "$user" -- sqlite3 -bail -cmd '.timeout 15000' "$db" ".restore '$work/app/safety.db'"
  runuser -u "$user" -- sqlite3 -bail "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null
  [ "$(runuser -u "$user" -- sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
  echo "put_back=yes"
fi
systemctl start "$service"
