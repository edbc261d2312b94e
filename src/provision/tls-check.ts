import type { DeployContext } from '../deploy/context.js';
import { renderTemplate, type ServerFile } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { tlsPaths } from './tls-site.js';
import { provisionVars } from './vars.js';

/**
 * The certificate's alerts (alert-webhook), for tls: acme and tls: files: a timer of the app's
 * (every 10 minutes) checks that nginx serves the certificate on disk, reloading nginx once
 * nginx -t passes (certbot never retries a renewal whose reload its hook refused), and that it does
 * not end within TLS_WARN_DAYS days; with tls: acme, a drop-in makes a failed certbot.service (the
 * timer's renewals) send tls-renewal-failed through the app's OnFailure= unit. All of it is root's:
 * the script reads root's files and asks nginx over 127.0.0.1.
 */

/** An alert when the certificate ends within this many days (renewals start 30 days ahead). */
export const TLS_WARN_DAYS = 14;

/** certbot.service's OnFailure= for one app (one file per app: OnFailure= adds up across files). */
export function certbotAlertDropin(app: string): string {
  return `/etc/systemd/system/certbot.service.d/gunicorn-deploy-alert-${app}.conf`;
}

export function tlsCheckFiles(ctx: DeployContext): ServerFile[] {
  const p = ctx.paths;
  const acme = ctx.settings.tls.mode === 'acme';
  const vars = {
    ...provisionVars(ctx),
    tlsName: ctx.settings.provision.serverName.split(' ')[0]!,
    tlsCertificate: tlsPaths(ctx).certificate,
    tlsWarnDays: TLS_WARN_DAYS,
    tlsScript: p.tlsScript,
    tlsHint: acme
      ? "certbot's renewals are failing: see journalctl -u certbot.service, and try sudo certbot renew --dry-run"
      : 'tls: files is renewed by you: run mode provision with the new tls-certificate and tls-key'
  };
  const files: ServerFile[] = [
    {
      path: p.tlsScript,
      content: renderTemplate('tls/tls-check.sh', vars),
      mode: '0755',
      owner: 'root:root'
    },
    {
      path: p.units.tlsCheckService.file,
      content: renderTemplate('systemd/tls-check.service', vars),
      mode: '0644',
      owner: 'root:root'
    },
    {
      path: p.units.tlsCheckTimer.file,
      content: renderTemplate('systemd/tls-check.timer', vars),
      mode: '0644',
      owner: 'root:root'
    }
  ];
  if (acme)
    files.push({
      path: certbotAlertDropin(p.app),
      content: `# Written by gunicorn-deploy (alerts of ${p.app}): a failed renewal sends tls-renewal-failed.\n[Unit]\nOnFailure=${p.app}-alert@certbot.service\n`,
      mode: '0644',
      owner: 'root:root'
    });
  return files;
}

/** Installs the check (and, for acme, certbot's drop-in), enables and starts its timer. */
function installScript(ctx: DeployContext): string {
  return (
    writeFilesScript(tlsCheckFiles(ctx)) +
    serverScript('tls_check', {
      acme: ctx.settings.tls.mode === 'acme' ? 1 : 0,
      dropin: certbotAlertDropin(ctx.paths.app),
      timer: ctx.paths.units.tlsCheckTimer.name
    })
  );
}

/** tls: off: the check, its units and certbot's drop-in go (the certificate itself stays). */
export function tlsCheckRemoveScript(ctx: DeployContext): string {
  const p = ctx.paths;
  return serverScript('tls_check_remove', {
    timer: p.units.tlsCheckTimer.name,
    files: [
      p.units.tlsCheckTimer.file,
      p.units.tlsCheckService.file,
      certbotAlertDropin(p.app),
      p.tlsScript
    ].join('\n')
  });
}

export async function ensureTlsCheck(ctx: DeployContext): Promise<ProvisionResult> {
  if (ctx.settings.tls.mode === 'off')
    return runProvisionScript(ctx, 'removing the certificate check', tlsCheckRemoveScript(ctx));
  return runProvisionScript(ctx, 'installing the certificate check', installScript(ctx), {
    stdin: filesInput(tlsCheckFiles(ctx))
  });
}
