import type { DeployContext } from '../deploy/context.js';
import type { Settings } from '../settings.js';
import { serverScript } from '../render/scripts.js';
import type { ScheduleSpec } from './schedule.js';
import { renderScheduleUnits } from './units.js';

/**
 * Schedules ride with the processes: each release's set (under /etc/APP/processes/by-release/ID,
 * root's, rendered on the runner from the validated input, never read from the release) holds its
 * timers and services, and the processes step moves the server to a release's set, so a deploy,
 * its way back, mode rollback and the post step all put back the schedules of the release they put
 * live. Only the schedule host has any; on every other server a set holds none (and moving to it
 * removes any a previous schedule-host left).
 */

/** The schedules this server runs: all of them on the schedule host, none elsewhere. */
export function schedulesHere(ctx: DeployContext): ScheduleSpec[] {
  const s = ctx.settings.schedules;
  return ctx.label === s.host ? s.schedules : [];
}

/** Exit code of a write script whose calendar expression systemd refuses on this server. */
export const CALENDAR_REFUSED = 4;

/** Every OnCalendar= value of these schedules with its input line, in step (one a line each). */
function calendarValues(specs: ScheduleSpec[]): { calendars: string; lines: string } {
  const all = specs.flatMap((s) => s.calendars.map((c) => ({ c, line: s.line })));
  return { calendars: all.map((x) => x.c).join('\n'), lines: all.map((x) => String(x.line)).join('\n') };
}

/**
 * Root writes the schedules' units into the release's set being built at `setDir` (its .new),
 * after the server's own parser accepted every OnCalendar= value (an expression this systemd
 * refuses, or one that never elapses, stops the step naming the line): templates/scripts/
 * schedules_calendar_check.sh and schedules_write.sh.
 */
export function writeSchedulesScript(ctx: DeployContext, release: string, setDir: string): string {
  const specs = schedulesHere(ctx);
  if (specs.length === 0) return '';
  const units: Record<string, string> = {};
  specs.forEach((spec, i) => {
    const u = renderScheduleUnits(ctx.paths, spec, release);
    units[`timer_${i}`] = u.timer;
    units[`service_${i}`] = u.service;
  });
  return (
    serverScript('schedules_calendar_check', { ...calendarValues(specs), refused: CALENDAR_REFUSED }) +
    serverScript('schedules_write', { set_dir: setDir, ids: specs.map((s) => s.id).join('\n'), ...units })
  );
}

/**
 * Part of the processes' move (variables app, want, udir set there): timers not in the wanted set
 * are stopped and removed, the wanted units put in place (templates/scripts/schedules_move.sh).
 * `schedulesEnable` runs after the daemon-reload.
 */
export function moveSchedulesScript(installed: string): string {
  return serverScript('schedules_move', { sinst: installed });
}

/** After the daemon-reload: every wanted timer enabled and running; one `schedule=` line each. */
export function schedulesEnable(): string {
  return serverScript('schedules_enable', {});
}

/** Preflight: the server's systemd parses every schedule's calendar expression (read-only). */
export function calendarProbe(settings: Settings): string {
  if (!settings.schedules.schedules.some((s) => s.calendars.length)) return '';
  return serverScript('schedules_calendar_probe', calendarValues(settings.schedules.schedules));
}

/** Preflight's problem for the lines the server refused. */
export function calendarProblems(kv: Record<string, string>, settings?: Settings): string[] {
  const lines = (kv.calendar_bad ?? '').split(/\s+/).filter((l) => l);
  return lines.map((n) => {
    const s = settings?.schedules.schedules.find((x) => String(x.line) === n);
    return `input \`schedule\` line ${n}: systemd on this server refuses '${s?.when ?? '?'}' (or it never comes); check it with systemd-analyze calendar`;
  });
}
