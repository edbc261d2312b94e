# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# `pg_verify` (src/provision/pg-verify.ts), the checklist's database lines for database: postgres
# (with verify_checklist.sh's `r NAME STATE DETAIL` and app_run.sh's `as_app`): `database` (SELECT 1
# as the app) and `database-backup` (the newest dump is younger than a day, pg_restore --list reads
# it, and the backups folder has room for one more). Only definitions.
# Prologue: app_run_at_root (as_app's words) pg_connect_py pg_db pg_dump_suffix max_dump_age_s (and
# verify_checklist.sh's).
pg_verify() {
  out=$(as_app "$app_run_at_root" /usr/bin/python3 -c "$pg_connect_py" 2>&1 | tail -n 2)
  if [ "$out" = 1 ]; then r database ok "SELECT 1 as $app_user through its DATABASE_URL"; else r database red "the app cannot reach its database: $out"; fi
  # shellcheck disable=SC2012 # newest first by time; the dumps are named by the tool
  newest=$(ls -1t -- "$backups/$pg_db"-*"$pg_dump_suffix" 2>/dev/null | head -n 1)
  if [ -z "$newest" ]; then r database-backup red "no dump in $backups (deploys with pre-activate and the daily timer make them)";
  else
    age=$(( $(date +%s) - $(stat -c %Y -- "$newest") )); size=$(stat -c %s -- "$newest")
    room=$(df -P -B1 "$backups" | awk 'NR==2 {print $4}')
    if [ "$age" -ge "$max_dump_age_s" ]; then r database-backup red "the newest dump $(basename -- "$newest") is $((age / 3600)) h old";
    elif ! pg_restore --list < "$newest" > /dev/null 2>&1; then r database-backup red "pg_restore --list cannot read $(basename -- "$newest")";
    elif [ "${room:-0}" -le "$size" ]; then r database-backup red "$room bytes free in $backups: no room for another dump of $size bytes";
    else r database-backup ok "$(basename -- "$newest"), $((age / 60)) min old, $size bytes, pg_restore --list ok, room for $((room / (size + 1))) more"; fi
  fi
}
