import type { DeployContext } from '../deploy/context.js';
import { renderDbMaintenanceUnits, renderHealthUnits, type ServerFile } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { provisionVars } from './vars.js';

/** The health check and the database maintenance, each a script, a oneshot service and a timer. */
export function timerNames(app: string): string[] {
  return [`${app}-health.timer`, `${app}-db-maintenance.timer`];
}

/**
 * Writes the scripts and units when they differ, reloads systemd only then, restarts a timer only
 * when its own files changed (a new interval), and makes sure each timer is enabled and running.
 */
export function timerFiles(ctx: DeployContext): ServerFile[] {
  const vars = provisionVars(ctx);
  return [...renderHealthUnits(vars), ...renderDbMaintenanceUnits(vars)];
}

export function timersScript(ctx: DeployContext): string {
  const files = timerFiles(ctx);
  const q = shQuote;
  const perTimer = timerNames(ctx.paths.app)
    .map((t) => {
      const base = t.replace(/\.timer$/, '');
      return `
if was_changed ${q(`/etc/systemd/system/${t}`)} || was_changed ${q(`/etc/systemd/system/${base}.service`)}; then
  [ "$dry" = 1 ] || { systemctl is-active --quiet ${q(t)} && systemctl restart ${q(t)} || true; }
fi
if ! systemctl is-enabled --quiet ${q(t)} 2>/dev/null; then mark ${q(`${t}:enabled`)}; act systemctl enable --quiet ${q(t)}; fi
if ! systemctl is-active --quiet ${q(t)}; then mark ${q(`${t}:started`)}; act systemctl start ${q(t)}; fi`;
    })
    .join('\n');
  return `
${writeFilesScript(files)}
if [ "$dry" != 1 ] && echo "$changed" | grep -q /etc/systemd/system/; then systemctl daemon-reload; fi
${perTimer}
`;
}

export async function ensureTimers(ctx: DeployContext): Promise<ProvisionResult> {
  return runProvisionScript(ctx, 'installing the health and database timers', timersScript(ctx), {
    stdin: filesInput(timerFiles(ctx))
  });
}
