import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { DeployError } from '../steps/step.js';
import { defaultServerDecide, installDefaultServer, restoreDefaultServer } from './default-server.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { ACME_WEBROOT_BASE } from './tls-site.js';
import { timerUnits } from './timers.js';
import { metricsPaths, removePromCommand } from '../metrics/paths.js';
import { certbotAlertDropin } from './tls-check.js';
import { processPaths } from '../steps/processes.js';

/** Exit code when nginx -t refused the tree without the app's site (everything was put back). */
const REFUSED = 6;

/**
 * Step `remove app` of mode remove: the app stops answering and nothing of it runs any more. Its
 * site goes first (through the same nginx -t gate as every nginx change, the catch-all decided again
 * for the apps that stay), then its timers and units (only files the tool wrote), logrotate, its
 * server-side scripts, its config folder (the env holds its secrets), and the certificate when
 * asked. Other apps' files are never named: every path comes from this app's layout.
 */
export function removeAppScript(ctx: DeployContext): string {
  const q = shQuote;
  const p = ctx.paths;
  const u = p.units;
  const timers = [...timerUnits(p).map((t) => t.timer.name), u.metricsTimer.name, u.tlsCheckTimer.name];
  const services = [
    u.service.name,
    u.socket.name,
    ...timerUnits(p).map((t) => t.service.name),
    u.metricsService.name,
    u.tlsCheckService.name
  ];
  const files = [
    ...Object.values(u).map((x) => x.file),
    certbotAlertDropin(p.app),
    // Earlier versions' per-app firewall ruleset (the unit is in the list above).
    `/etc/${p.app}/firewall.nft`
  ];
  const cert = ctx.settings.remove.certificate
    ? `
if [ -d ${q(`/etc/letsencrypt/live/${p.app}`)} ] || [ -f ${q(`/etc/letsencrypt/renewal/${p.app}.conf`)} ]; then
  mark certificate; act certbot delete --non-interactive --cert-name ${q(p.app)}
fi
if [ -d ${q(`/etc/gunicorn-deploy/tls/${p.app}`)} ]; then mark certificate-files; act rm -rf -- ${q(`/etc/gunicorn-deploy/tls/${p.app}`)}; fi`
    : '';
  return `
removed_units=0
enabled=${q(p.nginxEnabled)}; avail=${q(p.nginxSite)}
if [ -e "$enabled" ] || [ -L "$enabled" ] || [ -e "$avail" ]; then
  mark site
  if [ "$dry" = 1 ]; then echo "would=remove $avail and its link, nginx -t, reload nginx"; else
    new=$(mktemp); trap 'rm -f "$new"' EXIT
    ${defaultServerDecide()}
    keep=$(mktemp -d)
    [ -f "$avail" ] && cp -a "$avail" "$keep/site"
    { [ -e "$enabled" ] || [ -L "$enabled" ]; } && cp -a "$enabled" "$keep/link"
    rm -f "$enabled" "$avail"
    ${installDefaultServer()}
    if ! out=$(nginx -t 2>&1); then
      [ -f "$keep/site" ] && cp -a "$keep/site" "$avail"
      [ -e "$keep/link" ] || [ -L "$keep/link" ] && cp -a "$keep/link" "$enabled"
      ${restoreDefaultServer()}
      rm -rf "$keep"; echo "$out" | tail -n 5 >&2; exit ${REFUSED}
    fi
    rm -rf "$keep"
    systemctl is-active --quiet nginx && systemctl reload nginx
  fi
fi
# The app's processes (a Procfile's workers): every instance stopped, each template unit removed.
if [ -f ${q(processPaths(ctx).installed)} ]; then
  while read -r n c; do
    case "$n" in ''|*[!a-z0-9-]*) continue;; esac
    mark "process-$n"
    case "$c" in ''|*[!0-9]*) c=0;; esac
    for ((i = 1; i <= c; i++)); do act systemctl disable --now --quiet ${q(p.app)}-"$n@$i".service 2>/dev/null || true; done
    act rm -f -- /etc/systemd/system/${q(p.app)}-"$n"@.service
    removed_units=1
  done < ${q(processPaths(ctx).installed)}
fi
# The app's schedules: each timer stopped and disabled (a run in progress too), its units removed.
if [ -f ${q(processPaths(ctx).installedSchedules)} ]; then
  while read -r id; do
    case "$id" in ''|*[!0-9a-f]*) continue;; esac
    mark "schedule-$id"
    act systemctl disable --now --quiet ${q(p.app)}-schedule-"$id".timer 2>/dev/null || true
    act systemctl stop ${q(p.app)}-schedule-"$id".service 2>/dev/null || true
    act rm -f -- /etc/systemd/system/${q(p.app)}-schedule-"$id".timer /etc/systemd/system/${q(p.app)}-schedule-"$id".service
    removed_units=1
  done < ${q(processPaths(ctx).installedSchedules)}
fi
for t in ${timers.map(q).join(' ')}; do
  if systemctl is-enabled --quiet "$t" 2>/dev/null || systemctl is-active --quiet "$t"; then mark "$t"; act systemctl disable --now --quiet "$t"; fi
done
for s in ${services.map(q).join(' ')}; do
  if systemctl is-active --quiet "$s" || systemctl is-enabled --quiet "$s" 2>/dev/null; then mark "$s"; act systemctl disable --now --quiet "$s"; fi
done
for f in ${files.map(q).join(' ')}; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  case "$f" in /etc/systemd/system/*)
    # Only a unit the tool wrote (a file of the admin's own with the same name stays).
    [ ! -L "$f" ] && [ "$(head -c ${UNIT_HEADER.length} "$f")" = ${q(UNIT_HEADER)} ] || continue
    removed_units=1;;
  esac
  mark "$f"; act rm -f -- "$f"
done
for d in ${[u.service.file, u.socket.file].map((f) => q(`${f}.d`)).join(' ')}; do
  [ -d "$d" ] && { mark "$d"; act rm -rf -- "$d"; removed_units=1; }
done
[ "$removed_units" = 1 ] && act systemctl daemon-reload
act systemctl reset-failed ${services.map(q).join(' ')} 2>/dev/null || true
for f in ${[p.logrotate, p.healthScript, p.dbScript, p.tlsScript, metricsPaths(p).script].map(q).join(' ')}; do
  [ -e "$f" ] && { mark "$f"; act rm -f -- "$f"; }
done
if [ -e ${q(metricsPaths(p).prom)} ]; then mark ${q(metricsPaths(p).prom)}; [ "$dry" = 1 ] || ${removePromCommand(p.app)} >/dev/null; fi
for d in ${[p.etc, `/run/${p.app}`, `${ACME_WEBROOT_BASE}/${p.app}`].map(q).join(' ')}; do
  [ -d "$d" ] && { mark "$d"; act rm -rf -- "$d"; }
done
${cert}
`;
}

/**
 * Step `remove files`, after the lock is let go: the app's user and build user, the releases and
 * venvs; the data (shared/, backups/) and logs unless remove-data, kept root-only so that no later
 * user given the same uid can read them.
 */
export function removeFilesScript(ctx: DeployContext): string {
  const q = shQuote;
  const p = ctx.paths;
  const data = ctx.settings.remove.data;
  const folders = data
    ? `
for d in ${[p.dir, p.logDir].map(q).join(' ')}; do
  [ -e "$d" ] && { mark "$d"; act rm -rf --one-file-system -- "$d"; }
done`
    : `
for d in ${[p.releases, p.venvs, p.current, p.state].map(q).join(' ')}; do
  { [ -e "$d" ] || [ -L "$d" ]; } && { mark "$d"; act rm -rf --one-file-system -- "$d"; }
done
for d in ${[p.dir, p.logDir].map(q).join(' ')}; do
  [ -d "$d" ] && [ ! -L "$d" ] && [ "$(stat -c '%U:%G %a' "$d")" != "root:root 700" ] && { mark "kept:$d"; act chown root:root -- "$d"; act chmod 0700 -- "$d"; }
done`;
  return `
${folders}
for who in ${[p.user, p.buildUser].map(q).join(' ')}; do
  id -u "$who" >/dev/null 2>&1 || continue
  mark "user:$who"
  if [ "$dry" = 1 ]; then echo "would=userdel $who"; else
    # systemd stopped the app's processes; a build left running would keep the user.
    if ! out=$(userdel "$who" 2>&1); then echo "userdel $who: $out" >&2; exit 5; fi
  fi
  getent group "$who" >/dev/null && act groupdel "$who" 2>/dev/null || true
done
`;
}

export async function removeApp(ctx: DeployContext): Promise<ProvisionResult> {
  try {
    return await runProvisionScript(ctx, 'removing the app', removeAppScript(ctx), { timeoutMs: 180_000 });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.includes(`exit ${REFUSED}`))
      throw new DeployError(
        `nginx -t refused the configuration without the site of ${ctx.paths.app}; its site was put back and nothing of the app was stopped:\n${msg.split('\n').slice(1).join('\n')}`,
        'Fix the nginx configuration named above (another site or conf.d file) and run mode remove again.'
      );
    throw err;
  }
}

export function removeFiles(ctx: DeployContext): Promise<ProvisionResult> {
  return runProvisionScript(ctx, 'removing the user and folders', removeFilesScript(ctx), {
    timeoutMs: 600_000
  });
}

/** Is the app still set up here (its unit, site, config, deploy state or user)? Kept data is not. */
export async function appPresent(ctx: DeployContext): Promise<boolean> {
  const q = shQuote;
  const p = ctx.paths;
  const res = await ctx.remote.script(
    `for f in ${[p.units.service.file, p.nginxSite, p.nginxEnabled, p.etc, p.state].map(q).join(' ')}; do [ -e "$f" ] || [ -L "$f" ] && { echo present=1; exit 0; }; done; id -u ${q(p.user)} >/dev/null 2>&1 && echo present=1; true`,
    { sudo: true, timeoutMs: 30_000 }
  );
  return /^present=1$/m.test(res.stdout);
}
