# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# mode backups for PostgreSQL, read-only: every dump of $name in the root-owned backups folder,
# each read through with pg_restore --list; the same tab-separated lines as SQLite's list.
# Prologue: backups name suffix.
shopt -s nullglob
for f in "$backups"/"$name"-*"$suffix"; do
  if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
  if pg_restore --list < "$f" > /dev/null 2>&1; then check=ok; else check="pg_restore --list cannot read it"; fi
  printf 'backup\t%s\t%s\t%s\t%s\t%s\n' "$(basename -- "$f")" "$(stat -c %Y -- "$f")" "$(stat -c %s -- "$f")" "$(sha256sum < "$f" | cut -d' ' -f1)" "$check"
done
