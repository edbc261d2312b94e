import type { AppLayout } from '../deploy/paths.js';
import { renderTemplate, templatesDir } from '../render/templates.js';
import type { TemplateVars } from '../render/vars.js';
import { processCommandProblem, processNameProblem, type ProcessSpec } from './procfile.js';
import { releaseIdProblem } from '../rules.js';
import { rqProgramPath, rqStopCommand, rqStopPost } from './rq.js';

/**
 * A Procfile command as one double-quoted word of ExecStart=: systemd undoes \\ and \" inside
 * quotes, turns $$ into $ (else it would expand $VAR from the unit's environment itself) and %% into
 * % (else a specifier), so bash gets the command exactly as written.
 */
export function execWord(command: string): string {
  const inner = command
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\$/g, '$$$$')
    .replace(/%/g, '%%');
  return `"${inner}"`;
}

/** The template unit of one process in one release (APP-NAME@.service). */
export function renderProcessUnit(
  paths: AppLayout,
  spec: ProcessSpec,
  opts: { release: string; origin: string; stopTimeoutMs: number },
  dir = templatesDir()
): string {
  // The same rules the settings applied, asserted again where the values enter a unit.
  const bad =
    processNameProblem(spec.name) ?? processCommandProblem(spec.command) ?? releaseIdProblem(opts.release);
  if (bad) throw new Error(`process ${spec.name}: ${bad}`);
  const stopPost = rqStopPost(spec.command, rqProgramPath(paths));
  const vars = {
    app: paths.app,
    user: paths.user,
    name: spec.name,
    origin: opts.origin.replace(/`/g, ''),
    release: opts.release,
    releaseDir: paths.releaseDir(opts.release),
    envFile: paths.envFile,
    command: execWord(spec.command),
    stopPost: stopPost ? execWord(stopPost) : '',
    stopCommand: stopPost
      ? execWord(rqStopCommand(spec.command, Math.max(1, Math.ceil(opts.stopTimeoutMs / 1000))))
      : '',
    stopTimeout: Math.max(1, Math.ceil(opts.stopTimeoutMs / 1000)),
    appDir: paths.dir,
    logDir: paths.logDir
  };
  return renderTemplate('systemd/process@.service', vars as unknown as TemplateVars, dir);
}
