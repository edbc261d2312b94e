import type { DeployContext } from '../deploy/context.js';
import { renderTemplate, type ServerFile } from '../render.js';
import { SCRIPT_DIR } from '../deploy/paths.js';
import { serverScript } from '../render/scripts.js';
import { shQuote } from '../ssh/quote.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { provisionVars } from './vars.js';

/**
 * Alerts: the server reports what went wrong while no one watched (the health timer's restart, a
 * filling disk, a failed database maintenance, a deploy rolled back) to the webhook of
 * alert-webhook. One shared script queues each alert in a transient unit of its own (never blocking
 * its caller) and POSTs it with curl; the URL (a secret: webhooks carry their token in it) lives in
 * /etc/APP/alert-webhook, root only, and travels only on stdin.
 */

/** The shared script; the templates (health check, OnFailure= handler) call it by this path. */
export const ALERT_SCRIPT = `${SCRIPT_DIR}/alert`;

export function alertFiles(ctx: DeployContext): ServerFile[] {
  const vars = provisionVars(ctx);
  return [
    { path: ALERT_SCRIPT, content: renderTemplate('alert.sh', vars), mode: '0755', owner: 'root:root' },
    {
      path: ctx.paths.units.alertService.file,
      content: renderTemplate('systemd/alert@.service', vars),
      mode: '0644',
      owner: 'root:root'
    }
  ];
}

/**
 * The script and the OnFailure= unit always (without a webhook file they send nothing), and the
 * webhook file when alert-webhook is given; removed when it no longer is. The file's text is the
 * last line of stdin; no `would=` or diff line ever shows it (so not writeFilesScript, whose dry
 * run prints a diff): templates/scripts/alert_webhook.sh.
 */
export function alertsScript(ctx: DeployContext): string {
  return (
    writeFilesScript(alertFiles(ctx)) +
    serverScript('alert_webhook', { hook: `${ctx.paths.etc}/alert-webhook` })
  );
}

export async function ensureAlerts(ctx: DeployContext): Promise<ProvisionResult> {
  const url = ctx.settings.provision.edge.alertWebhook;
  return runProvisionScript(ctx, 'installing the alerts', alertsScript(ctx), {
    stdin: filesInput(alertFiles(ctx)) + (url ? `${Buffer.from(`${url}\n`).toString('base64')}\n` : '')
  });
}

/**
 * Has the server send an alert (queued there, so this returns at once); a server without alerts
 * set up, or any failure here, is ignored: an alert never fails what it reports on.
 */
export async function sendAlert(ctx: DeployContext, event: string, detail: string): Promise<void> {
  const q = shQuote;
  await ctx.remote
    .script(
      `[ -x ${q(ALERT_SCRIPT)} ] || exit 0
${q(ALERT_SCRIPT)} ${q(ctx.paths.app)} ${q(event)} ${q(detail.slice(0, 1000))} || true`,
      { sudo: true, timeoutMs: 15_000 }
    )
    .catch((err: Error) => ctx.logger.debug(`alert ${event} not sent: ${err.message}`));
}
