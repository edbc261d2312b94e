# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# pg_dump --format=custom into the root-owned backups folder (the dump comes through a pipe: no
# process of the app's or postgres's writes a file there), checked with pg_restore --list before
# it counts (exit 4), then handed to the app's group read-only; only the newest $keep deploy dumps
# are kept. A client older than the server exits $mismatch_code with a mismatch= line.
# pgc runs a client tool against the app's database $pgdb: for the local server as postgres
# through the socket (a superuser, so nothing the app cannot read is left out); for an external
# one (external = 1) as root with a password file root alone can read, written from stdin (one
# line) into a private tmpfs folder and removed on exit, so the password is in no command line
# and no environment (PGPASSFILE holds only its path). Every process of ours runs from /.
# Prologue: external pgdb pghost pgport pguser backups tmp out user name suffix keep mismatch_code.
set -o pipefail
cd /
if [ "$external" = 1 ]; then
  umask 077
  pgdir=$(mktemp -d /run/gunicorn-deploy-pg.XXXXXX); trap 'rm -rf "$pgdir"' EXIT
  IFS= read -r pwline; printf '%s\n' "$pwline" > "$pgdir/pass"; unset pwline
  export PGPASSFILE="$pgdir/pass" PGHOST="$pghost" PGPORT="$pgport" PGUSER="$pguser" PGCONNECT_TIMEOUT=15
  pgc() { local tool=$1; shift; "$tool" "$@"; }
else
  pgc() { local tool=$1; shift; runuser -u postgres -- "$tool" "$@"; }
fi
if [ ! -d "$backups" ] || [ -L "$backups" ]; then echo "$backups is not a folder" >&2; exit 4; fi
rm -f "$tmp"
err=$(mktemp)
if ! pgc pg_dump --format=custom --no-password --dbname="$pgdb" 2>"$err" > "$tmp"; then
  rm -f "$tmp"
  if grep -q 'server version mismatch' "$err"; then
    echo "mismatch=$(grep -o 'server version: [0-9.]*; pg_dump version: [0-9.]*' "$err" | head -1)"; rm -f "$err"; exit "$mismatch_code"
  fi
  cat "$err" >&2; rm -f "$err"; exit 4
fi
rm -f "$err"
if ! pg_restore --list "$tmp" > /dev/null; then mv "$tmp" "$out.corrupt"; echo "pg_restore --list cannot read the dump" >&2; exit 4; fi
mv "$tmp" "$out"
chown root:"$user" "$out"; chmod 0640 "$out"
# Dump names are the deploy's own (DBNAME-RELEASE.dump): no blanks.
# shellcheck disable=SC2012
ls -1t "$backups"/"$name"-[0-9]*"$suffix" | tail -n +"$((keep + 1))" | xargs -r rm -f --
echo "backup=$out"
echo "size=$(stat -c %s "$out")"
