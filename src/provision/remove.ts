import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { UNIT_HEADER } from '../steps/ownership.js';
import { DeployError } from '../steps/step.js';
import { defaultServerFunctions } from './default-server.js';
import { serverScript } from '../render/scripts.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { ACME_WEBROOT_BASE } from './tls-site.js';
import { timerUnits } from './timers.js';
import { metricsPaths, removeProm } from '../metrics/paths.js';
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
  const lines = (xs: string[]): string => xs.join('\n');
  return (
    defaultServerFunctions() +
    serverScript('remove_app', {
      enabled: p.nginxEnabled,
      avail: p.nginxSite,
      refused: REFUSED,
      app: p.app,
      processes_installed: processPaths(ctx).installed,
      schedules_installed: processPaths(ctx).installedSchedules,
      timers: lines(timers),
      services: lines(services),
      files: lines(files),
      dropins: lines([u.service.file, u.socket.file].map((f) => `${f}.d`)),
      scripts: lines([p.logrotate, p.healthScript, p.dbScript, p.tlsScript, metricsPaths(p).script]),
      prom: metricsPaths(p).prom,
      ...removeProm(p.app),
      dirs: lines([p.etc, `/run/${p.app}`, `${ACME_WEBROOT_BASE}/${p.app}`]),
      unit_header: UNIT_HEADER,
      cert: ctx.settings.remove.certificate ? 1 : 0,
      cert_live: `/etc/letsencrypt/live/${p.app}`,
      cert_renewal: `/etc/letsencrypt/renewal/${p.app}.conf`,
      cert_name: p.app,
      tls_dir: `/etc/gunicorn-deploy/tls/${p.app}`
    })
  );
}

/**
 * Step `remove files`, after the lock is let go: the app's user and build user, the releases and
 * venvs; the data (shared/, backups/) and logs unless remove-data, kept root-only so that no later
 * user given the same uid can read them.
 */
export function removeFilesScript(ctx: DeployContext): string {
  const p = ctx.paths;
  return serverScript('remove_files', {
    data: ctx.settings.remove.data ? 1 : 0,
    gone: [p.releases, p.venvs, p.current, p.state].join('\n'),
    top: [p.dir, p.logDir].join('\n'),
    users: [p.user, p.buildUser].join('\n')
  });
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
