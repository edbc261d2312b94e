# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# mode status on one server, read-only: key=value facts (the metrics' lines and the history's tail
# follow, src/status/script.ts). Reads only root-owned files and /proc; it never follows a path the
# app or the build user can write (the release's own REVISION is not read: the commit comes from
# the history). The health URL is the inputs' with url_given = 1, else the health check's own.
# Prologue: current states_dir lock_owner maintenance_conf svc socket app_units nginx_site dir
# backups health_script health_url url_given. Before it: read_kv.
set +e
now=$(date +%s); echo "now=$now"
target=$(readlink "$current" 2>/dev/null); release=${target##*/}; echo "release=$release"
[ -n "$release" ] && echo "state=$(head -c 64 "$states_dir"/"$release" 2>/dev/null | head -n 1)"
[ -L "$current" ] && echo "since=$(stat -c %Y "$current")"
[ -e "$lock_owner" ] && echo "deploying=$(sed -n 's/^run=//p' "$lock_owner" | head -c 200)"
# shellcheck disable=SC2015 # echo does not fail
[ -e "$maintenance_conf" ] && echo "maintenance=on" || echo "maintenance=off"
read_kv <(systemctl show "$svc" -p MainPID -p ActiveState -p SubState 2>/dev/null)
pid=${kv[MainPID]-}; active=${kv[ActiveState]-}; sub=${kv[SubState]-}
echo "service=$active/$sub"
if [[ "$pid" =~ ^[1-9][0-9]*$ ]]; then
  echo "uptime=$(ps -o etimes= -p "$pid" | tr -d ' ')"
  workers=$(ps -o pid= --ppid "$pid" | tr -d ' ' | paste -sd ' ')
  echo "workers=$(wc -w <<< "$workers")"
  echo "rss-kb=$(ps -o rss= -p "$pid" --ppid "$pid" | awk '{ s += $1 } END { print s + 0 }')"
  # Busy: a worker holding an accepted connection on the app's socket right now (nginx opens one
  # connection per request to the app and closes it with the response).
  busy=0
  if [ -n "$workers" ]; then
    conns=$(ss -xpnH state established 2>/dev/null | awk -v s="$socket" '$4 == s' | grep -o 'pid=[0-9]*' | sort -u)
    for w in $workers; do grep -qx "pid=$w" <<< "$conns" && busy=$((busy + 1)); done
  fi
  echo "busy=$busy"
fi
deployed_at=$(stat -c %Y "$current" 2>/dev/null || echo 0)
journal=$(journalctl -u "$svc" --since "@$deployed_at" -o cat --no-pager 2>/dev/null | grep -E 'Scheduled restart job|OOM killer|oom-kill' )
echo "restarts=$(grep -c 'Scheduled restart job' <<< "$journal")"
echo "oom-kills=$(grep -cE 'OOM killer|oom-kill' <<< "$journal")"
echo "processes=$(systemctl list-units --type=service --state=active --plain --no-legend "$app_units" 2>/dev/null | awk '{ print $1 }' | grep -vE -- '-(health|db-maintenance|firewall|alert@.*)\.service$' | paste -sd ' ')"
crt=$(sed -n 's/^ *ssl_certificate  *\([^ ;]*\);.*$/\1/p' "$nginx_site" 2>/dev/null | head -n 1)
if [ -n "$crt" ] && [ -f "$crt" ]; then
  end=$(openssl x509 -enddate -noout -in "$crt" 2>/dev/null | sed 's/^notAfter=//')
  [ -n "$end" ] && echo "cert-expires=$(date -d "$end" +%s)"
fi
echo "disk-free-kb=$(df -Pk "$dir" 2>/dev/null | awk 'NR == 2 { print $4 }')"
echo "backup-newest=$(find "$backups" -maxdepth 1 -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1)"
if [ "$url_given" = 1 ]; then url=$health_url; else url=$(sed -n "s/^url='\(.*\)'$/\1/p" "$health_script" 2>/dev/null | head -n 1); fi
[ -n "$url" ] || url=$health_url
if [ "$active" = active ]; then
  echo "health=$(curl -s -o /dev/null --max-time 5 --unix-socket "$socket" -w '%{http_code}' "$url")"
else
  echo "health=none"
fi
