import type { DeployContext } from '../deploy/context.js';
import type { AppLayout, Unit } from '../deploy/paths.js';
import { renderDbMaintenanceUnits, renderHealthUnits, type ServerFile } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { ensureEnabled, ensureStarted, filesInput, writeFilesScript } from './shell.js';
import { provisionVars } from './vars.js';

/** The health check and the database maintenance, each a script, a oneshot service and a timer. */
export function timerUnits(layout: AppLayout): { service: Unit; timer: Unit }[] {
  const u = layout.units;
  return [
    { service: u.healthService, timer: u.healthTimer },
    { service: u.dbService, timer: u.dbTimer }
  ];
}

/**
 * Writes the scripts and units when they differ, reloads systemd only then, restarts a timer only
 * when its own files changed (a new interval), and makes sure each timer is enabled and running.
 */
export function timerFiles(ctx: DeployContext): ServerFile[] {
  const vars = provisionVars(ctx);
  return [renderHealthUnits(vars), renderDbMaintenanceUnits(vars)].flatMap((f) => [
    f.script,
    f.service,
    f.timer
  ]);
}

export function timersScript(ctx: DeployContext): string {
  const files = timerFiles(ctx);
  const q = shQuote;
  const perTimer = timerUnits(ctx.paths)
    .map(({ service, timer }) => {
      const t = timer.name;
      return `
if was_changed ${q(timer.file)} || was_changed ${q(service.file)}; then
  [ "$dry" = 1 ] || { systemctl is-active --quiet ${q(t)} && systemctl restart ${q(t)} || true; }
fi
${ensureEnabled(t)}
${ensureStarted(t)}`;
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
