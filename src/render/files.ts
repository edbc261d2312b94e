import type { Unit } from '../deploy/paths.js';
import { renderTemplate, templatesDir } from './templates.js';
import type { TemplateVars } from './vars.js';

/**
 * Every file the tool writes on a server, rendered from templates/ and keyed by its role, with
 * where it goes (from the layout) and who owns it. The callers write each only when it changed.
 */

/** A file to put on a server. mode is octal text (0644), owner is user:group. */
export interface ServerFile {
  path: string;
  content: string;
  mode: string;
  owner: string;
}

function file(p: string, content: string, mode = '0644', owner = 'root:root'): ServerFile {
  return { path: p, content, mode, owner };
}

export interface AppFiles {
  socket: ServerFile;
  service: ServerFile;
  gunicornConf: ServerFile;
  /** Read by systemd (as root) and by tools run as the app user; holds secrets. */
  env: ServerFile;
}

/** The templates of renderAppUnits: every deploy's config step renders them. */
export const APP_UNIT_TEMPLATES = {
  socket: 'systemd/app.socket',
  service: 'systemd/app.service',
  gunicornConf: 'gunicorn.conf.py',
  env: 'env'
} as const;

/** The socket, the service, Gunicorn's config and the environment file. */
export function renderAppUnits(vars: TemplateVars, dir = templatesDir()): AppFiles {
  const r = (role: keyof typeof APP_UNIT_TEMPLATES): string =>
    renderTemplate(APP_UNIT_TEMPLATES[role], vars, dir);
  const { layout } = vars;
  return {
    socket: file(layout.units.socket.file, r('socket')),
    service: file(layout.units.service.file, r('service')),
    gunicornConf: file(layout.gunicornConf, r('gunicornConf')),
    env: file(layout.envFile, r('env'), '0640', `root:${vars.group}`)
  };
}

/** A script run by a oneshot service on a timer. */
export interface TimerFiles {
  script: ServerFile;
  service: ServerFile;
  timer: ServerFile;
}

function timerFiles(
  vars: TemplateVars,
  dir: string,
  name: string,
  script: { template: string; path: string },
  units: { service: Unit; timer: Unit }
): TimerFiles {
  const r = (t: string): string => renderTemplate(t, vars, dir);
  return {
    script: file(script.path, r(script.template), '0755'),
    service: file(units.service.file, r(`systemd/${name}.service`)),
    timer: file(units.timer.file, r(`systemd/${name}.timer`))
  };
}

/** The health check script and its timer. */
export function renderHealthUnits(vars: TemplateVars, dir = templatesDir()): TimerFiles {
  const { layout } = vars;
  return timerFiles(
    vars,
    dir,
    'health',
    { template: 'health-check.sh', path: layout.healthScript },
    {
      service: layout.units.healthService,
      timer: layout.units.healthTimer
    }
  );
}

/** The daily backup script and its timer. */
export function renderDbMaintenanceUnits(vars: TemplateVars, dir = templatesDir()): TimerFiles {
  const { layout } = vars;
  return timerFiles(
    vars,
    dir,
    'db-maintenance',
    { template: 'db-maintenance.sh', path: layout.dbScript },
    {
      service: layout.units.dbService,
      timer: layout.units.dbTimer
    }
  );
}

/** The nginx site (provision links it from sites-enabled). */
export function renderNginxSite(vars: TemplateVars, dir = templatesDir()): ServerFile {
  return file(vars.layout.nginxSite, renderTemplate('nginx/site.conf', vars, dir));
}

/** The logrotate rules. */
export function renderLogrotate(vars: TemplateVars, dir = templatesDir()): ServerFile {
  return file(vars.layout.logrotate, renderTemplate('logrotate', vars, dir));
}
