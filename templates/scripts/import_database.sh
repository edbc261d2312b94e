# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# import-database (src/provision/import-database.ts): copies an SQLite file that is already on the
# server into shared/ with SQLite's backup API, checks the copy, and only then moves it in place.
# An existing database is never overwritten unless forced (and then it is backed up first). A
# marker records what was imported, so a second provision with the same input is a no-op.
# Prologue: src db marker force app_dir user as_user_words as_user_head backups svc missing exists
# corrupt.
# A shell text run as the app's user (asUser in src/deploy/app-run.ts): no PAM session, the
# environment reset to the user's own; its $1... are the words after it. $as_user_words: setpriv's
# words up to `bash -c`, one a line (asUserWords, the one place they are written); $as_user_head:
# what asUser's bash runs first.
as_user() {
  local script=$1
  local -a words
  shift
  mapfile -t words <<< "$as_user_words"
  "${words[@]}" "$as_user_head$script" gd "$@"
}
if [ ! -f "$src" ]; then echo "import-database: $src does not exist on the server" >&2; exit "$missing"; fi
want="$src $(sha256sum < "$src" | cut -d' ' -f1)"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -f "$db" ]; then
  echo "import=already imported from $src"
elif [ -f "$db" ] && [ "$force" != 1 ]; then
  echo "import-database: a database is already at $db; refusing to replace it" >&2; exit "$exists"
else
  mark database
  if [ "$dry" = 1 ]; then
    echo "would=copy $src to $db with sqlite3 .backup$([ -f "$db" ] && echo ', after backing up the existing one')"
  else
    check=$(sqlite3 -readonly "$src" 'PRAGMA integrity_check' 2>&1 || true)
    if [ "$check" != ok ]; then echo "import-database: $src fails PRAGMA integrity_check: ${check:0:300}" >&2; exit "$corrupt"; fi
    # shared/ is the app's: root makes the copy in a folder of its own and never writes, moves or
    # chowns a path there (a link the app put in its place would be followed); the app's user
    # puts the copy in place.
    tmpd=$(mktemp -d "$app_dir/.gd-import.XXXXXX"); trap 'rm -rf -- "$tmpd"' EXIT; tmp="$tmpd/import.db"
    sqlite3 -cmd '.timeout 15000' "$src" ".backup '$tmp'"
    [ "$(sqlite3 "$tmp" 'PRAGMA integrity_check')" = ok ] || { echo "import-database: the copy fails integrity_check" >&2; exit "$corrupt"; }
    chown "$user:$user" "$tmp"; chmod 0640 "$tmp"
    chgrp "$user" "$tmpd"; chmod 0770 "$tmpd"
    stopped=no
    if [ -f "$db" ]; then
      # Forced: keep the database being replaced, and swap it with the app stopped (the socket
      # stays open, so requests wait rather than fail). Read by the app's user, kept by root.
      old="$backups/before-import-$(date -u +%Y%m%dT%H%M%SZ).db"
      if systemctl is-active --quiet "$svc"; then systemctl stop "$svc"; stopped=yes; fi
      # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
      as_user 'sqlite3 -cmd '\''.timeout 15000'\'' "$1" ".backup '\''$2'\''"' "$db" "$tmpd/old.db"
      mv -T "$tmpd/old.db" "$old"
      if [ -L "$old" ] || [ ! -f "$old" ]; then rm -f "$old"; echo "import-database: the backup of $db is not a regular file" >&2; exit "$corrupt"; fi
      chown "root:$user" "$old"; chmod 0640 "$old"
      echo "previous=$old"
    fi
    # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
    as_user 'install -d -m 0750 -- "$(dirname -- "$2")"; rm -f -- "$2-wal" "$2-shm"; mv -f -- "$1" "$2"' "$tmp" "$db"
    [ "$stopped" = no ] || systemctl start "$svc"
    printf '%s\n' "$want" > "$marker"
    echo "rows_tables=$(sqlite3 -readonly "$db" "SELECT count(*) FROM sqlite_master WHERE type='table'")"
  fi
fi
