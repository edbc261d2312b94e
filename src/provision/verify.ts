import type { DeployContext } from '../deploy/context.js';
import { formatTable } from '../report.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, type StepOutcome } from '../steps/step.js';
import { timerUnits } from './timers.js';
import { healthHost } from '../deploy/health.js';
import { appRunCommand } from '../deploy/app-run.js';
import { pgVerifyLines } from './pg-verify.js';
import { fail2banVerifyLines } from './fail2ban.js';
import { databaseSeenPath } from '../deploy/remembered.js';

/** The checklist, in the order it is printed; also the summary's columns. */
export const VERIFY_KEYS = [
  'service',
  'socket',
  'health-socket',
  'health-nginx',
  'debug',
  'django-check',
  'nginx-config',
  'tls',
  'fail2ban',
  'logrotate',
  'database',
  'database-backup',
  'timers',
  'disk-free',
  'memory'
];

/** Prints framework-debug=NAME=true|false for a Flask, FastAPI/Starlette or Django app, nothing for others. */
const FRAMEWORK_DEBUG = `import os, sys
sys.path.insert(0, os.getcwd())
from gunicorn.util import import_app
app = import_app(sys.argv[1])
out = None
flask = sys.modules.get("flask")
if flask is not None and isinstance(app, flask.Flask):
    out = "app.debug=" + str(bool(app.debug)).lower()
elif "starlette.applications" in sys.modules and isinstance(app, sys.modules["starlette.applications"].Starlette):
    # FastAPI is a Starlette: its debug serves tracebacks to anyone.
    out = "app.debug=" + str(bool(app.debug)).lower()
elif "django" in sys.modules:
    from django.conf import settings
    if settings.configured:
        out = "settings.DEBUG=" + str(bool(settings.DEBUG)).lower()
if out:
    print("framework-debug=" + out)
`;

/** Below this share of free disk a server is red (the seed's checklist). */
const MIN_DISK_FREE = 20;
/** Memory is red only when nearly all of it is in use: a busy server is not a broken one. */
const MAX_MEMORY_USED = 95;

export interface Check {
  name: string;
  /** warn: worth knowing, not a failure (a first provision's database not created yet). */
  state: 'ok' | 'red' | 'warn' | 'n/a';
  detail: string;
}

/**
 * One read-only script: each probe prints `check=NAME|ok|red|n/a|DETAIL` and never stops the
 * others, so one broken piece is named instead of hiding the rest.
 */
export function verifyChecklistScript(ctx: DeployContext): string {
  const q = shQuote;
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  // The Host of every health request, through nginx too: health-host, else the first server name.
  const host = healthHost(ctx.settings);
  const db = d.sqliteDb ? `${p.shared}/${d.sqliteDb}` : '';
  // The app's own answer, read from the WSGI object as the service loads it (its user, venv and
  // environment): Flask's app.debug, Django's settings.DEBUG. A health JSON without a debug field
  // (most Django apps) no longer passes on FLASK_DEBUG=0 alone.
  const probe = appRunCommand(p, {
    cwd: p.current,
    envFile: p.envFile,
    venv: `${p.current}/.venv`,
    argv: [`${p.current}/.venv/bin/python`, '-c', FRAMEWORK_DEBUG, d.wsgiApp]
  });
  // Django's own production checklist; its warnings (HTTPS settings behind a plain-HTTP nginx,
  // say) are shown, only its errors make the check red.
  const djangoCheck = appRunCommand(p, {
    cwd: p.current,
    envFile: p.envFile,
    venv: `${p.current}/.venv`,
    argv: [`${p.current}/.venv/bin/python`, 'manage.py', 'check', '--deploy']
  });
  return `
set +e
r() { printf 'check=%s|%s|%s\\n' "$1" "$2" "$(printf '%s' "$3" | tr '\\n|' ' /' | cut -c1-200)"; }
svc=${q(p.units.service.name)}; sock=${q(p.units.socket.name)}; sockpath=${q(p.socket)}; hp=${q(d.healthPath)}
a=$(systemctl is-active "$svc" 2>/dev/null); e=$(systemctl is-enabled "$svc" 2>/dev/null)
if [ "$a" = active ] && [ "$e" = enabled ]; then r service ok "active, enabled, pid $(systemctl show -p MainPID --value "$svc")"; else r service red "$a, \${e:-not installed}"; fi
a=$(systemctl is-active "$sock" 2>/dev/null); e=$(systemctl is-enabled "$sock" 2>/dev/null)
if [ "$a" = active ] && [ "$e" = enabled ] && [ -S "$sockpath" ]; then r socket ok "listening on $sockpath"; else r socket red "$a, \${e:-not installed}, $([ -S "$sockpath" ] && echo "$sockpath exists" || echo "no $sockpath")"; fi
body=$(mktemp); trap 'rm -f "$body"' EXIT
code=$(curl -sS -o "$body" -w '%{http_code}' -m 10 --unix-socket "$sockpath" ${q(`http://${healthHost(ctx.settings)}`)}"$hp" 2>/dev/null)
if [ "$code" = 200 ]; then r health-socket ok "$hp 200"; else r health-socket red "$hp answered \${code:-nothing} through $sockpath"; fi
debug=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(str(d.get("debug","absent")).lower())' "$body" 2>/dev/null)
fw=$(${probe} 2>/dev/null | sed -n 's/^framework-debug=//p' | tail -n 1)
envdebug=$(grep -E '^FLASK_DEBUG=' ${q(p.envFile)} 2>/dev/null | tail -n 1)
case "$fw" in
  *=true) r debug red "the app runs with debug on (\${fw%=*} \${fw#*=}$([ "$debug" = true ] && echo ", $hp says debug true"))";;
  *)
case "$debug" in
  true) r debug red "the app runs with debug on ($hp says debug true)";;
  false) r debug ok "debug false ($hp$([ -n "$fw" ] && echo ", \${fw%=*} \${fw#*=}"))";;
  *) if [ -n "$fw" ]; then r debug ok "\${fw%=*} \${fw#*=}"
     elif [ "$envdebug" = FLASK_DEBUG=0 ]; then r debug ok "FLASK_DEBUG=0 ($hp does not report debug)"; else r debug red "cannot tell: $hp does not report debug and FLASK_DEBUG=0 is not in the env file"; fi;;
esac;;
esac
if [ "\${fw%=*}" = settings.DEBUG ] && [ -f ${q(`${p.current}/manage.py`)} ]; then
  out=$(${djangoCheck} 2>&1); rc=$?
  ids=$(printf '%s\\n' "$out" | grep -oE '\\([a-z_]+\\.[EW][0-9]+\\)' | tr -d '()' | sort -u | tr '\\n' ' ')
  if [ "$rc" = 0 ]; then r django-check ok "manage.py check --deploy: \${ids:-no warnings}"; else r django-check red "manage.py check --deploy failed: \${ids:-$(printf '%s' "$out" | tail -n 2)}"; fi
else r django-check n/a "not a Django app"; fi
# Through nginx as a browser comes: port 80, and after the redirect to HTTPS when the site has one
# (the name resolved to this server; the certificate's trust is not this check's business).
code=$(curl -sS -L --max-redirs 2 -k -o /dev/null -w '%{http_code} %{scheme}' -m 10 --resolve ${q(`${host}:80:127.0.0.1`)} --resolve ${q(`${host}:443:127.0.0.1`)} ${q(`http://${host}`)}"$hp" 2>/dev/null)
case "$code" in
  "200 "*) r health-nginx ok "$hp 200 $([ "\${code#* }" = https ] || [ "\${code#* }" = HTTPS ] && echo 'over HTTPS after the redirect' || echo 'on port 80')";;
  *) r health-nginx red "$hp answered \${code%% *} through nginx on port 80";;
esac
if ! command -v nginx >/dev/null; then r nginx-config red "nginx is not installed";
elif out=$(nginx -t 2>&1); then r nginx-config ok "nginx -t passed"; else r nginx-config red "nginx -t: $(echo "$out" | grep -v 'test failed' | tail -n 1)"; fi
# The certificate the site names: renewals start 30 days ahead, so one ending within 7 days means
# they are failing; tls: files (not certbot's) is renewed by whoever gave it.
crt=$(sed -n 's/^ *ssl_certificate  *\\([^ ;]*\\);.*$/\\1/p' ${q(p.nginxSite)} 2>/dev/null | head -n 1)
if [ -z "$crt" ]; then r tls n/a "plain HTTP (tls: off)";
elif ! end=$(openssl x509 -in "$crt" -noout -enddate 2>&1); then r tls red "cannot read $crt: $end";
elif openssl x509 -in "$crt" -noout -checkend 604800 >/dev/null; then r tls ok "certificate valid until \${end#notAfter=}";
else case "$crt" in
  /etc/letsencrypt/*) r tls red "the certificate ends \${end#notAfter=}, within 7 days: renewals are failing (journalctl -u certbot)";;
  *) r tls red "the certificate ends \${end#notAfter=}, within 7 days: run mode provision with a renewed tls-certificate and tls-key";;
esac; fi
${fail2banVerifyLines(ctx)}
lr=${q(p.logrotate)}
if [ ! -f "$lr" ]; then r logrotate red "no $lr";
elif out=$(logrotate -d "$lr" 2>&1) && ! echo "$out" | grep -qi '^error'; then
  n=$(ls ${q(p.logDir)}/*.log 2>/dev/null | wc -l); r logrotate ok "logrotate -d clean, $n log files in ${p.logDir}"
else r logrotate red "logrotate -d: $(echo "$out" | grep -i error | head -n 1)"; fi
${ctx.settings.database.kind === 'postgres' ? pgVerifyLines(ctx) : ''}
db=${q(db)}
if [ "${ctx.settings.database.kind}" = postgres ]; then :
elif [ -z "$db" ]; then r database n/a "no sqlite-db set";
elif [ ! -f "$db" ]; then
  # Missing after it existed (a live deploy saw it, or a backup of it exists) is red; never created
  # yet (a first provision, before the app's own command creates it) is a warning.
  if [ -f ${q(databaseSeenPath(ctx))} ] || ls -1 ${q(p.backups)} 2>/dev/null | grep -qF -- "$(basename "$db")-"; then
    r database red "the database at $db went missing (it existed: $(head -c 60 ${q(databaseSeenPath(ctx))} 2>/dev/null || echo 'backups of it exist')); put the newest backup back with mode restore"
  else r database warn "no database yet at $db: create it with a one-off command (mode run: flask --app APP init-db, python manage.py migrate) or in pre-activate"; fi
else ic=$(runuser -u ${q(p.user)} -- sqlite3 -readonly "$db" 'PRAGMA integrity_check' 2>&1 | head -n 3)
  if [ "$ic" = ok ]; then r database ok "integrity ok, $(stat -c %s "$db") bytes"; else r database red "integrity_check: $ic"; fi
fi
bad=""; for t in ${timerUnits(p)
    .map((u) => q(u.timer.name))
    .join(' ')}; do systemctl is-active --quiet "$t" || bad="$bad $t"; done
if [ -z "$bad" ]; then r timers ok "health and db-maintenance timers active"; else r timers red "not active:$bad"; fi
d=${q(p.dir)}; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
used=$(df -P "$d" | awk 'NR==2 {sub(/%/, "", $5); print $5}')
free=$((100 - \${used:-100}))
if [ "$free" -gt ${MIN_DISK_FREE} ]; then r disk-free ok "$free % free"; else r disk-free red "only $free % free (needs more than ${MIN_DISK_FREE} %)"; fi
mem=$(awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {if (t > 0) printf "%d %d", (t - a) * 100 / t, t / 1024}' /proc/meminfo)
used=\${mem% *}; total=\${mem#* }
if [ "\${used:-100}" -le ${MAX_MEMORY_USED} ]; then r memory ok "$used % of $total MB used"; else r memory red "$used % of $total MB used"; fi
exit 0
`;
}

export function parseChecks(stdout: string): Check[] {
  const out: Check[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^check=([a-z0-9-]+)\|(ok|red|warn|n\/a)\|(.*)$/.exec(line);
    if (m) out.push({ name: m[1]!, state: m[2] as Check['state'], detail: m[3]! });
  }
  return out;
}

export function checksTable(checks: Check[]): string {
  return formatTable(
    ['check', 'result', 'detail'],
    checks.map((c) => [c.name, c.state === 'red' ? 'RED' : c.state === 'warn' ? 'WARN' : c.state, c.detail])
  );
}

/**
 * Runs the checklist, prints its table, puts each check in the host's facts (the summary's
 * table) and fails naming every red check.
 */
export async function verifyChecklist(ctx: DeployContext): Promise<StepOutcome & { checks: Check[] }> {
  const res = await ctx.remote.script(verifyChecklistScript(ctx), { sudo: true, timeoutMs: 120_000 });
  const checks = parseChecks(res.stdout);
  if (checks.length === 0) {
    throw new DeployError(
      `the verify checklist did not run (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`,
      'Check that the SSH user can run sudo without a password.'
    );
  }
  ctx.logger.info(checksTable(checks));
  for (const c of checks)
    ctx.facts[c.name] =
      c.state === 'ok'
        ? 'ok'
        : c.state === 'red'
          ? `RED: ${c.detail}`
          : c.state === 'warn'
            ? `WARN: ${c.detail}`
            : 'n/a';
  for (const c of checks.filter((c) => c.state === 'warn'))
    ctx.logger.warning(`${ctx.label}: ${c.name}: ${c.detail}`);
  const red = checks.filter((c) => c.state === 'red');
  if (red.length > 0) {
    throw new DeployError(
      `verify: ${red.length} check${red.length === 1 ? '' : 's'} red: ${red.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
      'Fix what is named (ssh in; systemctl status and journalctl -u say more) and run mode verify again, or run mode provision to repair the setup.'
    );
  }
  return { changed: false, detail: `all ${checks.filter((c) => c.state === 'ok').length} checks ok`, checks };
}
