import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { shQuote } from './ssh/quote.js';
import {
  LOGIN_NAME,
  appNameProblem,
  assertRule,
  bodySizeProblem,
  envProblems,
  envValueProblem,
  healthHostProblem,
  healthPathProblem,
  safeAbsPathProblem,
  wsgiAppProblem,
  type EnvVar
} from './rules.js';

export type { EnvVar } from './rules.js';

/**
 * Every file the tool writes on a server comes from templates/ (Handlebars) through here.
 * templateVars() fills defaults and derived values and asserts what the user gave against the rules
 * parseSettings already applied (rules.ts): a value failing here is an internal error. The render*
 * helpers return the files with where they go and who owns them, and the deploy step writes each
 * only when changed.
 */

/** Everything the templates read. Build it with templateVars(): every field is present. */
export interface TemplateVars {
  /** Name of the app: units APP.socket/APP.service, /etc/APP, /var/log/APP. */
  app: string;
  user: string;
  group: string;
  /** /srv/APP: releases/, shared/, current -> releases/ID (with .venv in each release). */
  appDir: string;
  /** WSGI target, module:variable. */
  wsgiApp: string;
  socketPath: string;
  /** Extra ListenStream= lines for the socket unit, e.g. 127.0.0.1:8000. */
  listen: string[];
  workers: number;
  /** Gunicorn's master imports the libraries listed in each release (see templates/gunicorn.conf.py). */
  preloadLibraries: boolean;
  timeout: number;
  gracefulTimeout: number;
  keepalive: number;
  /** User variables for /etc/APP/env (the managed ones are written by the template). */
  env: EnvVar[];
  serverName: string;
  clientMaxBodySize: string;
  /** Static folder relative to the release ('' for none), served by nginx at staticUrl. */
  staticPath: string;
  staticUrl: string;
  /** More folders nginx serves: URL prefix, absolute folder, and whether it holds uploads. */
  staticMaps: { url: string; root: string; uploads: boolean }[];
  healthPath: string;
  /** Host header of the health timer's request (an app may check it: Django's ALLOWED_HOSTS). */
  healthHost: string;
  /** systemd time span between health checks, e.g. 30s, 1min. */
  healthInterval: string;
  healthTimeout: number;
  /** Consecutive failed checks before the health check restarts the service. */
  healthFailures: number;
  diskWarnPercent: number;
  /** The health check skips its run while this path exists (a deploy holds the lock). */
  deployLockPath: string;
  dbPath: string;
  backupDir: string;
  backupKeepDays: number;
  /** OnCalendar time of day of the daily backup, HH:MM. */
  dbMaintenanceTime: string;

  // Derived by templateVars() from the fields above.
  serviceName: string;
  envFile: string;
  gunicornConf: string;
  instancePath: string;
  logDir: string;
  accessLog: string;
  errorLog: string;
  /** TimeoutStopSec: gracefulTimeout + 15, so in-flight requests are never killed. */
  stopTimeout: number;
  /** nginx proxy read/send timeout: above Gunicorn's timeout. */
  proxyTimeout: number;
  healthUrl: string;
  healthScript: string;
  dbScript: string;
  /**
   * Root-owned folder of the library lists, one per release (written by the deploy's check step),
   * never inside a release; the master reads the serving release's at start and every reload.
   */
  preloadDir: string;
  releasesDir: string;
}

type DerivedKey =
  | 'serviceName'
  | 'envFile'
  | 'gunicornConf'
  | 'instancePath'
  | 'logDir'
  | 'accessLog'
  | 'errorLog'
  | 'stopTimeout'
  | 'proxyTimeout'
  | 'healthUrl'
  | 'healthScript'
  | 'dbScript'
  | 'releasesDir';

/** What a caller gives: the app name, and any field it wants other than the default. */
export type TemplateInput = { app: string } & Partial<Omit<TemplateVars, 'app' | DerivedKey>>;

/** A file to put on a server. mode is octal text (0644), owner is user:group. */
export interface ServerFile {
  path: string;
  content: string;
  mode: string;
  owner: string;
}

export const SCRIPT_DIR = '/usr/local/lib/gunicorn-deploy';
const UNIT_DIR = '/etc/systemd/system';

function fail(field: string, message: string): never {
  assertRule(field, message);
  throw new Error('unreachable');
}

function check(field: string, value: string, re: RegExp, what: string): string {
  if (!re.test(value)) fail(field, `${JSON.stringify(value)} is not ${what}`);
  return value;
}

function checkPath(field: string, value: string): string {
  assertRule(field, safeAbsPathProblem(value));
  return value.length > 1 ? value.replace(/\/+$/, '') : value;
}

function checkRule(field: string, value: string, rule: (v: string) => string | undefined): string {
  assertRule(field, rule(value));
  return value;
}

function checkInt(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `${value} is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * Quotes a value for a systemd EnvironmentFile= (systemd.exec(5)). Inside double quotes systemd
 * turns a backslash followed by one of \ " ` $ into that character and keeps every other character
 * verbatim, exactly as a POSIX shell does, so the file can also be sourced by sh. The value is
 * always quoted (spaces, # and ; stay literal); newlines are refused (a quoted value could span
 * lines, but a multi-line secret in an env file is a mistake more often than not), and so are NUL,
 * the byte order mark and what is not a Unicode scalar value, which systemd rejects.
 */
export function envQuote(value: string, key = 'value'): string {
  const bad = envValueProblem(key, value);
  if (bad) throw new Error(`environment variable ${bad}`);
  return `"${value.replace(/[\\"`$]/g, '\\$&')}"`;
}

/** Asserts the user's environment variables (see envProblems); drops FLASK_DEBUG=0, written anyway. */
export function checkEnv(env: readonly EnvVar[]): EnvVar[] {
  const problems = envProblems(env);
  if (problems.length > 0) fail('env', problems.join('; '));
  return env.filter((e) => e.key !== 'FLASK_DEBUG').map(({ key, value }) => ({ key, value }));
}

/** Validates input and fills defaults and derived fields; every error names the field. */
export function templateVars(input: TemplateInput): TemplateVars {
  const app = checkRule('app', input.app, (v) => appNameProblem(v));
  const user = check('user', input.user ?? app, LOGIN_NAME, 'a user name');
  const group = check('group', input.group ?? user, LOGIN_NAME, 'a group name');
  const appDir = checkPath('appDir', input.appDir ?? `/srv/${app}`);
  const socketPath = checkPath('socketPath', input.socketPath ?? `/run/${app}/gunicorn.sock`);
  // sun_path holds 108 bytes, NUL included.
  if (socketPath.length > 107) fail('socketPath', `${socketPath} is longer than a unix socket path can be`);
  const timeout = checkInt('timeout', input.timeout ?? 60, 1, 3600);
  const gracefulTimeout = checkInt('gracefulTimeout', input.gracefulTimeout ?? 30, 1, 3600);
  const healthPath = checkRule('healthPath', input.healthPath ?? '/health', healthPathProblem);
  const serverName = check(
    'serverName',
    input.serverName ?? '_',
    /^[A-Za-z0-9.*_-]+( [A-Za-z0-9.*_-]+)*$/,
    'host names'
  );
  const healthHost = checkRule(
    'healthHost',
    input.healthHost ?? serverName.split(' ').find((n) => n !== '_' && !n.startsWith('*')) ?? 'localhost',
    healthHostProblem
  );
  const env = checkEnv(input.env ?? []);
  const database = env.find((e) => e.key === 'DATABASE')?.value;
  const logDir = `/var/log/${app}`;
  const vars: TemplateVars = {
    app,
    user,
    group,
    appDir,
    wsgiApp: checkRule('wsgiApp', input.wsgiApp ?? 'app:app', wsgiAppProblem),
    socketPath,
    listen: (input.listen ?? []).map((l) =>
      check(
        'listen',
        l,
        /^(\d{1,3}(\.\d{1,3}){3}:|\[[0-9A-Fa-f:.]+\]:)?\d{1,5}$/,
        'PORT, IPv4:PORT or [IPv6]:PORT'
      )
    ),
    workers: checkInt('workers', input.workers ?? 3, 1, 256),
    preloadLibraries: input.preloadLibraries ?? true,
    timeout,
    gracefulTimeout,
    keepalive: checkInt('keepalive', input.keepalive ?? 2, 0, 3600),
    env,
    serverName,
    clientMaxBodySize: checkRule('clientMaxBodySize', input.clientMaxBodySize ?? '10m', bodySizeProblem),
    staticPath:
      input.staticPath === undefined || input.staticPath === ''
        ? ''
        : checkPath('staticPath', `/${input.staticPath}`).slice(1),
    staticUrl: check(
      'staticUrl',
      input.staticUrl ?? '/static/',
      /^\/([A-Za-z0-9._-]+\/)*$/,
      'a /path/ with slashes'
    ),
    staticMaps: (input.staticMaps ?? []).map((m) => ({
      url: check('staticMaps', m.url, /^\/([A-Za-z0-9._-]+\/)+$/, 'a /path/ with slashes'),
      root: checkPath('staticMaps', m.root),
      uploads: m.uploads
    })),
    healthPath,
    healthHost,
    healthInterval: check(
      'healthInterval',
      input.healthInterval ?? '30s',
      /^\d+(s|min|h)$/,
      'a time like 30s or 1min'
    ),
    healthTimeout: checkInt('healthTimeout', input.healthTimeout ?? 10, 1, 300),
    healthFailures: checkInt('healthFailures', input.healthFailures ?? 3, 1, 100),
    diskWarnPercent: checkInt('diskWarnPercent', input.diskWarnPercent ?? 90, 1, 100),
    deployLockPath: checkPath('deployLockPath', input.deployLockPath ?? `${appDir}/.deploy.lock`),
    dbPath: checkPath(
      input.dbPath === undefined && database !== undefined ? 'DATABASE (env)' : 'dbPath',
      input.dbPath ?? database ?? `${appDir}/shared/instance/app.db`
    ),
    backupDir: checkPath('backupDir', input.backupDir ?? `${appDir}/shared/backups`),
    backupKeepDays: checkInt('backupKeepDays', input.backupKeepDays ?? 14, 1, 3650),
    dbMaintenanceTime: check(
      'dbMaintenanceTime',
      input.dbMaintenanceTime ?? '03:30',
      /^([01]\d|2[0-3]):[0-5]\d$/,
      'HH:MM'
    ),

    serviceName: `${app}.service`,
    envFile: `/etc/${app}/env`,
    gunicornConf: `/etc/${app}/gunicorn.conf.py`,
    instancePath: `${appDir}/shared/instance`,
    logDir,
    accessLog: `${logDir}/access.log`,
    errorLog: `${logDir}/error.log`,
    stopTimeout: gracefulTimeout + 15,
    proxyTimeout: timeout + 30,
    healthUrl: `http://${healthHost}${healthPath}`,
    healthScript: `${SCRIPT_DIR}/${app}-health-check`,
    dbScript: `${SCRIPT_DIR}/${app}-db-maintenance`,
    preloadDir: checkPath('preloadDir', input.preloadDir ?? `/etc/${app}/preload`),
    releasesDir: `${appDir}/releases`
  };
  return vars;
}

interface Where {
  env?: NodeJS.ProcessEnv;
  argv1?: string;
  cwd?: string;
}

const MARKER = path.join('templates', 'systemd', 'app.service.hbs');

function isActionRoot(dir: string): boolean {
  return existsSync(path.join(dir, MARKER)) && existsSync(path.join(dir, 'action.yml'));
}

function walkUp(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isActionRoot(dir)) return path.join(dir, 'templates');
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The action's own templates folder. Not from import.meta.url (ncc rewrites it in the bundle):
 * $GUNICORN_DEPLOY_TEMPLATES, then $GITHUB_ACTION_PATH/templates, then the nearest folder above the
 * running script (symlinks resolved), then above the working directory, that holds action.yml and
 * templates/.
 */
export function templatesDir(where: Where = {}): string {
  const env = where.env ?? process.env;
  const explicit = env.GUNICORN_DEPLOY_TEMPLATES;
  if (explicit) {
    if (!existsSync(path.join(explicit, 'systemd', 'app.service.hbs'))) {
      throw new Error(
        `GUNICORN_DEPLOY_TEMPLATES=${explicit} does not hold the templates (systemd/app.service.hbs)`
      );
    }
    return path.resolve(explicit);
  }
  if (env.GITHUB_ACTION_PATH && existsSync(path.join(env.GITHUB_ACTION_PATH, MARKER))) {
    return path.resolve(env.GITHUB_ACTION_PATH, 'templates');
  }
  const argv1 = where.argv1 ?? process.argv[1];
  // Through symlinks: npm's node_modules/.bin/gunicorn-deploy links to the package's bin/.
  const script = argv1 && existsSync(argv1) ? realpathSync(argv1) : argv1;
  const found =
    (script ? walkUp(path.dirname(path.resolve(script))) : undefined) ?? walkUp(where.cwd ?? process.cwd());
  if (!found) {
    throw new Error(
      'cannot find the templates folder (templates/ next to action.yml); set GUNICORN_DEPLOY_TEMPLATES'
    );
  }
  return found;
}

const hbs = Handlebars.create();
hbs.registerHelper('sh', (value: unknown) => shQuote(String(value)));
// A JSON string is a valid Python string literal.
hbs.registerHelper('py', (value: unknown) => JSON.stringify(String(value)));
hbs.registerHelper('envq', (value: unknown) => envQuote(String(value)));
// One word of an ExecStart= line. systemd removes quotes anywhere in a word (create_app('prod') would
// reach Gunicorn as create_app(prod)), so a word with quotes goes inside double quotes; the rules
// keep ", \, $ and % out of it.
hbs.registerHelper('unitword', (value: unknown) => {
  const v = String(value);
  return /^[A-Za-z0-9_.:/-]+$/.test(v) ? v : `"${v}"`;
});

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders templates/NAME.hbs; a variable the template uses but vars lacks throws (strict mode). */
export function renderTemplate(name: string, vars: TemplateVars, dir: string = templatesDir()): string {
  const file = path.join(dir, `${name}.hbs`);
  let template = compiled.get(file);
  if (!template) {
    template = hbs.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    compiled.set(file, template);
  }
  return template(vars);
}

function file(p: string, content: string, mode = '0644', owner = 'root:root'): ServerFile {
  return { path: p, content, mode, owner };
}

/** The socket, the service, Gunicorn's config and the environment file. */
export function renderAppUnits(vars: TemplateVars, dir = templatesDir()): ServerFile[] {
  const r = (name: string): string => renderTemplate(name, vars, dir);
  return [
    file(`${UNIT_DIR}/${vars.app}.socket`, r('systemd/app.socket')),
    file(`${UNIT_DIR}/${vars.app}.service`, r('systemd/app.service')),
    file(vars.gunicornConf, r('gunicorn.conf.py')),
    // Read by systemd (as root) and by tools run as the app user; holds secrets.
    file(vars.envFile, r('env'), '0640', `root:${vars.group}`)
  ];
}

/** The health check script and its timer. */
export function renderHealthUnits(vars: TemplateVars, dir = templatesDir()): ServerFile[] {
  const r = (name: string): string => renderTemplate(name, vars, dir);
  return [
    file(vars.healthScript, r('health-check.sh'), '0755'),
    file(`${UNIT_DIR}/${vars.app}-health.service`, r('systemd/health.service')),
    file(`${UNIT_DIR}/${vars.app}-health.timer`, r('systemd/health.timer'))
  ];
}

/** The daily backup script and its timer. */
export function renderDbMaintenanceUnits(vars: TemplateVars, dir = templatesDir()): ServerFile[] {
  const r = (name: string): string => renderTemplate(name, vars, dir);
  return [
    file(vars.dbScript, r('db-maintenance.sh'), '0755'),
    file(`${UNIT_DIR}/${vars.app}-db-maintenance.service`, r('systemd/db-maintenance.service')),
    file(`${UNIT_DIR}/${vars.app}-db-maintenance.timer`, r('systemd/db-maintenance.timer'))
  ];
}

/** The nginx site (to be linked from sites-enabled) and the logrotate rules. */
export function renderProxyAndLogs(vars: TemplateVars, dir = templatesDir()): ServerFile[] {
  return [
    file(`/etc/nginx/sites-available/${vars.app}.conf`, renderTemplate('nginx/site.conf', vars, dir)),
    file(`/etc/logrotate.d/${vars.app}`, renderTemplate('logrotate', vars, dir))
  ];
}
