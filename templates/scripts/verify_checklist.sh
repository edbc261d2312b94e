# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The verify checklist (src/provision/verify.ts): one read-only script; each probe prints
# `check=NAME|ok|red|warn|n/a|DETAIL` and never stops the others, so one broken piece is named
# instead of hiding the rest. app_run.sh's `as_app`, fail2ban_verify.sh's `fail2ban_verify` (and
# pg_verify.sh's `pg_verify`) come first.
# Prologue: svc sock sockpath hp health_host current app_run_in_current (as_app's words) env_file
# wsgi_app framework_py nginx_site logrotate log_dir db_kind db db_seen backups app_user timers (one a line) app_dir min_disk_free
# max_memory_used.
set +e
r() { printf 'check=%s|%s|%s\n' "$1" "$2" "$(printf '%s' "$3" | tr '\n|' ' /' | cut -c1-200)"; }
a=$(systemctl is-active "$svc" 2>/dev/null); e=$(systemctl is-enabled "$svc" 2>/dev/null)
if [ "$a" = active ] && [ "$e" = enabled ]; then r service ok "active, enabled, pid $(systemctl show -p MainPID --value "$svc")"; else r service red "$a, ${e:-not installed}"; fi
a=$(systemctl is-active "$sock" 2>/dev/null); e=$(systemctl is-enabled "$sock" 2>/dev/null)
if [ "$a" = active ] && [ "$e" = enabled ] && [ -S "$sockpath" ]; then r socket ok "listening on $sockpath"; else r socket red "$a, ${e:-not installed}, $([ -S "$sockpath" ] && echo "$sockpath exists" || echo "no $sockpath")"; fi
body=$(mktemp); trap 'rm -f "$body"' EXIT
code=$(curl -sS -o "$body" -w '%{http_code}' -m 10 --unix-socket "$sockpath" "http://$health_host$hp" 2>/dev/null)
if [ "$code" = 200 ]; then r health-socket ok "$hp 200"; else r health-socket red "$hp answered ${code:-nothing} through $sockpath"; fi
debug=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(str(d.get("debug","absent")).lower())' "$body" 2>/dev/null)
fw=$(as_app "$app_run_in_current" "$current/.venv/bin/python" -c "$framework_py" "$wsgi_app" 2>/dev/null | sed -n 's/^framework-debug=//p' | tail -n 1)
envdebug=$(grep -E '^FLASK_DEBUG=' "$env_file" 2>/dev/null | tail -n 1)
case "$fw" in
  *=true) r debug red "the app runs with debug on (${fw%=*} ${fw#*=}$([ "$debug" = true ] && echo ", $hp says debug true"))";;
  *)
case "$debug" in
  true) r debug red "the app runs with debug on ($hp says debug true)";;
  false) r debug ok "debug false ($hp$([ -n "$fw" ] && echo ", ${fw%=*} ${fw#*=}"))";;
  *) if [ -n "$fw" ]; then r debug ok "${fw%=*} ${fw#*=}"
     elif [ "$envdebug" = FLASK_DEBUG=0 ]; then r debug ok "FLASK_DEBUG=0 ($hp does not report debug)"; else r debug red "cannot tell: $hp does not report debug and FLASK_DEBUG=0 is not in the env file"; fi;;
esac;;
esac
if [ "${fw%=*}" = settings.DEBUG ] && [ -f "$current/manage.py" ]; then
  out=$(as_app "$app_run_in_current" "$current/.venv/bin/python" manage.py check --deploy 2>&1); rc=$?
  ids=$(printf '%s\n' "$out" | grep -oE '\([a-z_]+\.[EW][0-9]+\)' | tr -d '()' | sort -u | tr '\n' ' ')
  if [ "$rc" = 0 ]; then r django-check ok "manage.py check --deploy: ${ids:-no warnings}"; else r django-check red "manage.py check --deploy failed: ${ids:-$(printf '%s' "$out" | tail -n 2)}"; fi
else r django-check n/a "not a Django app"; fi
# Through nginx as a browser comes: port 80, and after the redirect to HTTPS when the site has one
# (the name resolved to this server; the certificate's trust is not this check's business).
code=$(curl -sS -L --max-redirs 2 -k -o /dev/null -w '%{http_code} %{scheme}' -m 10 --resolve "$health_host:80:127.0.0.1" --resolve "$health_host:443:127.0.0.1" "http://$health_host$hp" 2>/dev/null)
case "$code" in
  "200 "*) r health-nginx ok "$hp 200 $([ "${code#* }" = https ] || [ "${code#* }" = HTTPS ] && echo 'over HTTPS after the redirect' || echo 'on port 80')";;
  *) r health-nginx red "$hp answered ${code%% *} through nginx on port 80";;
esac
if ! command -v nginx >/dev/null; then r nginx-config red "nginx is not installed";
elif out=$(nginx -t 2>&1); then r nginx-config ok "nginx -t passed"; else r nginx-config red "nginx -t: $(echo "$out" | grep -v 'test failed' | tail -n 1)"; fi
# The certificate the site names: renewals start 30 days ahead, so one ending within 7 days means
# they are failing; tls: files (not certbot's) is renewed by whoever gave it.
crt=$(sed -n 's/^ *ssl_certificate  *\([^ ;]*\);.*$/\1/p' "$nginx_site" 2>/dev/null | head -n 1)
if [ -z "$crt" ]; then r tls n/a "plain HTTP (tls: off)";
elif ! end=$(openssl x509 -in "$crt" -noout -enddate 2>&1); then r tls red "cannot read $crt: $end";
elif openssl x509 -in "$crt" -noout -checkend 604800 >/dev/null; then r tls ok "certificate valid until ${end#notAfter=}";
else case "$crt" in
  /etc/letsencrypt/*) r tls red "the certificate ends ${end#notAfter=}, within 7 days: renewals are failing (journalctl -u certbot)";;
  *) r tls red "the certificate ends ${end#notAfter=}, within 7 days: run mode provision with a renewed tls-certificate and tls-key";;
esac; fi
fail2ban_verify
lr=$logrotate
if [ ! -f "$lr" ]; then r logrotate red "no $lr";
elif out=$(logrotate -d "$lr" 2>&1) && ! echo "$out" | grep -qi '^error'; then
  # shellcheck disable=SC2012 # a count of files: odd names count once all the same
  n=$(ls "$log_dir"/*.log 2>/dev/null | wc -l); r logrotate ok "logrotate -d clean, $n log files in $log_dir"
else r logrotate red "logrotate -d: $(echo "$out" | grep -i error | head -n 1)"; fi
if [ "$db_kind" = postgres ]; then pg_verify; fi
if [ "$db_kind" = postgres ]; then :
elif [ -z "$db" ]; then r database n/a "no sqlite-db set";
elif [ ! -f "$db" ]; then
  # Missing after it existed (a live deploy saw it, or a backup of it exists) is red; never created
  # yet (a first provision, before the app's own command creates it) is a warning.
  # shellcheck disable=SC2010 # whether any backup name holds the database's: no name is acted on
  if [ -f "$db_seen" ] || ls -1 "$backups" 2>/dev/null | grep -qF -- "$(basename "$db")-"; then
    r database red "the database at $db went missing (it existed: $(head -c 60 "$db_seen" 2>/dev/null || echo 'backups of it exist')); put the newest backup back with mode restore"
  else r database warn "no database yet at $db: create it with a one-off command (mode run: flask --app APP init-db, python manage.py migrate) or in pre-activate"; fi
else ic=$(runuser -u "$app_user" -- sqlite3 -readonly "$db" 'PRAGMA integrity_check' 2>&1 | head -n 3)
  if [ "$ic" = ok ]; then r database ok "integrity ok, $(stat -c %s "$db") bytes"; else r database red "integrity_check: $ic"; fi
fi
mapfile -t timers_a < <(printf '%s' "$timers")
bad=""; for t in "${timers_a[@]}"; do systemctl is-active --quiet "$t" || bad="$bad $t"; done
if [ -z "$bad" ]; then r timers ok "health and db-maintenance timers active"; else r timers red "not active:$bad"; fi
d=$app_dir; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
used=$(df -P "$d" | awk 'NR==2 {sub(/%/, "", $5); print $5}')
free=$((100 - ${used:-100}))
if [ "$free" -gt "$min_disk_free" ]; then r disk-free ok "$free % free"; else r disk-free red "only $free % free (needs more than $min_disk_free %)"; fi
mem=$(awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {if (t > 0) printf "%d %d", (t - a) * 100 / t, t / 1024}' /proc/meminfo)
used=${mem% *}; total=${mem#* }
if [ "${used:-100}" -le "$max_memory_used" ]; then r memory ok "$used % of $total MB used"; else r memory red "$used % of $total MB used"; fi
exit 0
