import type { DeployContext } from '../deploy/context.js';
import { healthUrl } from '../deploy/health.js';
import { shQuote } from '../ssh/quote.js';
import { statesDir } from '../deploy/release-record.js';
import { maintenanceConf } from '../maintenance/paths.js';
import { metricsStatusLines } from '../metrics/status.js';

/** History lines read back for the audit fields of the serving and previous releases. */
export const HISTORY_TAIL = 300;

/**
 * One read-only script per server for `status`: key=value facts, then the history's tail after a
 * `--- history` line. Reads only root-owned files and /proc; it never follows a path the app or the
 * build user can write (the release's own REVISION is not read: the commit comes from the history).
 */
export function statusScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  const given = ctx.settings.given.includes('health-path') || ctx.settings.given.includes('health-host');
  return `set +e
now=$(date +%s); echo "now=$now"
target=$(readlink ${q(p.current)} 2>/dev/null); release=\${target##*/}; echo "release=$release"
[ -n "$release" ] && echo "state=$(head -c 64 ${q(statesDir(ctx))}/"$release" 2>/dev/null | head -n 1)"
[ -L ${q(p.current)} ] && echo "since=$(stat -c %Y ${q(p.current)})"
[ -e ${q(p.lockOwner)} ] && echo "deploying=$(sed -n 's/^run=//p' ${q(p.lockOwner)} | head -c 200)"
[ -e ${q(maintenanceConf(p.app))} ] && echo "maintenance=on" || echo "maintenance=off"
svc=${q(p.units.service.name)}
pid=; active=; sub=
while IFS='=' read -r k v; do
  case "$k" in MainPID) pid=$v ;; ActiveState) active=$v ;; SubState) sub=$v ;; esac
done < <(systemctl show "$svc" -p MainPID -p ActiveState -p SubState 2>/dev/null)
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
    conns=$(ss -xpnH state established 2>/dev/null | awk -v s=${q(p.socket)} '$4 == s' | grep -o 'pid=[0-9]*' | sort -u)
    for w in $workers; do grep -qx "pid=$w" <<< "$conns" && busy=$((busy + 1)); done
  fi
  echo "busy=$busy"
fi
deployed_at=$(stat -c %Y ${q(p.current)} 2>/dev/null || echo 0)
journal=$(journalctl -u "$svc" --since "@$deployed_at" -o cat --no-pager 2>/dev/null | grep -E 'Scheduled restart job|OOM killer|oom-kill' )
echo "restarts=$(grep -c 'Scheduled restart job' <<< "$journal")"
echo "oom-kills=$(grep -cE 'OOM killer|oom-kill' <<< "$journal")"
echo "processes=$(systemctl list-units --type=service --state=active --plain --no-legend ${q(`${p.app}-*.service`)} 2>/dev/null | awk '{ print $1 }' | grep -vE -- '-(health|db-maintenance|firewall|alert@.*)\\.service$' | paste -sd ' ')"
crt=$(sed -n 's/^ *ssl_certificate  *\\([^ ;]*\\);.*$/\\1/p' ${q(p.nginxSite)} 2>/dev/null | head -n 1)
if [ -n "$crt" ] && [ -f "$crt" ]; then
  end=$(openssl x509 -enddate -noout -in "$crt" 2>/dev/null | sed 's/^notAfter=//')
  [ -n "$end" ] && echo "cert-expires=$(date -d "$end" +%s)"
fi
echo "disk-free-kb=$(df -Pk ${q(p.dir)} 2>/dev/null | awk 'NR == 2 { print $4 }')"
echo "backup-newest=$(find ${q(p.backups)} -maxdepth 1 -type f -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1 | cut -d. -f1)"
url=${given ? q(healthUrl(ctx.settings, ctx.settings.deploy.healthPath)) : `$(sed -n "s/^url='\\(.*\\)'$/\\1/p" ${q(p.healthScript)} 2>/dev/null | head -n 1)`}
[ -n "$url" ] || url=${q(healthUrl(ctx.settings, ctx.settings.deploy.healthPath))}
if [ "$active" = active ]; then
  echo "health=$(curl -s -o /dev/null --max-time 5 --unix-socket ${q(p.socket)} -w '%{http_code}' "$url")"
else
  echo "health=none"
fi
${metricsStatusLines(p.app)}
echo '--- history'
tail -n ${HISTORY_TAIL} ${q(p.history)} 2>/dev/null
exit 0`;
}
