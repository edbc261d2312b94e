import type { AppLayout } from '../deploy/paths.js';
import { renderTemplate, templatesDir } from '../render/templates.js';
import type { TemplateVars } from '../render/vars.js';
import { execWord } from '../processes/units.js';
import { processCommandProblem } from '../processes/procfile.js';
import { releaseIdProblem } from '../rules.js';
import { parseWhen } from './calendar.js';
import type { ScheduleSpec } from './schedule.js';

/** The unit names of one schedule, without the suffix: APP-schedule-ID. */
export function scheduleUnit(app: string, id: string): string {
  return `${app}-schedule-${id}`;
}

/** A schedule's timer and the service it starts, for one release. */
export function renderScheduleUnits(
  paths: AppLayout,
  spec: ScheduleSpec,
  release: string,
  dir = templatesDir()
): { timer: string; service: string } {
  // The rules the settings applied, asserted again where the values enter a unit.
  const when = parseWhen(spec.when);
  const bad =
    (typeof when === 'string' ? when : undefined) ??
    (/^[0-9a-f]{10}$/.test(spec.id) ? undefined : `id '${spec.id}'`) ??
    processCommandProblem(spec.command) ??
    releaseIdProblem(release);
  if (bad || typeof when === 'string' || when.calendars.join('\n') !== spec.calendars.join('\n'))
    throw new Error(`schedule line ${spec.line}: ${bad ?? 'calendars differ from the line'}`);
  const vars = {
    app: paths.app,
    user: paths.user,
    id: spec.id,
    line: spec.line,
    // The description is one line of text; its % would be a specifier.
    when: spec.when.replace(/%/g, '%%'),
    calendars: spec.calendars,
    release,
    releaseDir: paths.releaseDir(release),
    envFile: paths.envFile,
    command: execWord(spec.command),
    appDir: paths.dir,
    logDir: paths.logDir
  };
  return {
    timer: renderTemplate('systemd/schedule.timer', vars as unknown as TemplateVars, dir),
    service: renderTemplate('systemd/schedule.service', vars as unknown as TemplateVars, dir)
  };
}
