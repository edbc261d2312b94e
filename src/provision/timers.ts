import type { DeployContext } from '../deploy/context.js';
import type { AppLayout, Unit } from '../deploy/paths.js';
import { renderDbMaintenanceUnits, renderHealthUnits, type ServerFile } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
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
  const timers = timerUnits(ctx.paths).map(
    ({ service, timer }) => `${timer.name} ${timer.file} ${service.file}`
  );
  return writeFilesScript(timerFiles(ctx)) + serverScript('timers', { timers: timers.join('\n') });
}

export async function ensureTimers(ctx: DeployContext): Promise<ProvisionResult> {
  return runProvisionScript(ctx, 'installing the health and database timers', timersScript(ctx), {
    stdin: filesInput(timerFiles(ctx))
  });
}
