import { layoutFor, type AppLayout } from '../deploy/paths.js';
import { gunicornVars, type GunicornInput, type GunicornVars } from './gunicorn-vars.js';
import { rootReadProgram } from '../deploy/root-read.js';
import {
  LOGIN_NAME,
  appNameProblem,
  bodySizeProblem,
  healthHostProblem,
  healthPathProblem,
  wsgiAppProblem,
  type EnvVar
} from '../rules.js';
import { check, checkInt, checkPath, checkRule, fail } from './field-checks.js';
import { checkEnv } from './env-file.js';

export type { EnvVar } from '../rules.js';
export { checkEnv, envQuote } from './env-file.js';

/**
 * What the templates read. templateVars() fills defaults and derived values and asserts what the
 * user gave against the rules parseSettings already applied (rules.ts): a value failing here is an
 * internal error. Every path and unit name comes from the app's layout (deploy/paths.ts), never
 * built here.
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
  /** The worker class and Gunicorn's other settings (gunicorn.conf.py). */
  gunicorn: GunicornVars;
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
  /** The health check skips its run while this path exists (a deploy holds the lock): layout.lockOwner. */
  deployLockPath: string;
  dbPath: string;
  backupDir: string;
  /** Where the daily backups were before they moved into backupDir: moved over, never read in place. */
  legacyBackupDir: string;
  /** The program root reads app-writable files with (steps/root-read.ts): a constant, no input. */
  rootReadProgram: string;
  backupKeepDays: number;
  /** OnCalendar time of day of the daily backup, HH:MM. */
  dbMaintenanceTime: string;

  // Derived by templateVars() from the fields above; every path from the layout.
  /** Where every path of the app is and what its units are called. */
  layout: AppLayout;
  /** APP.service and APP.socket. */
  serviceName: string;
  socketName: string;
  /** appDir/current, the symlink to the serving release. */
  current: string;
  envFile: string;
  gunicornConf: string;
  instancePath: string;
  logDir: string;
  accessLog: string;
  errorLog: string;
  /** TimeoutStopSec: gracefulTimeout + 15, so in-flight requests are never killed. */
  stopTimeout: number;
  /** nginx proxy read/send timeout: above Gunicorn's timeout; an hour for uvicorn (WebSockets). */
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
  | 'layout'
  | 'serviceName'
  | 'socketName'
  | 'current'
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
  | 'legacyBackupDir'
  | 'rootReadProgram'
  | 'releasesDir';

/**
 * What a caller gives: the app's layout (or its name, for layoutFor(app, appDir ?? /srv/APP)), and
 * any field it wants other than the default. appDir, socketPath, deployLockPath and preloadDir
 * default to the layout's; giving one replaces it in the layout too (tests run the scripts in a
 * temporary folder), so the vars and their layout never disagree.
 */
export type TemplateInput = ({ app: string; layout?: undefined } | { app?: undefined; layout: AppLayout }) &
  Partial<Omit<TemplateVars, 'app' | 'gunicorn' | DerivedKey>> & { gunicorn?: GunicornInput };

/** Validates input and fills defaults and derived fields; every error names the field. */
export function templateVars(input: TemplateInput): TemplateVars {
  const given = input.layout;
  const app = checkRule('app', given ? given.app : input.app, (v) => appNameProblem(v));
  const appDir = checkPath('appDir', input.appDir ?? given?.dir ?? `/srv/${app}`);
  const base = given && appDir === given.dir ? given : layoutFor(app, appDir);
  const socketPath = checkPath('socketPath', input.socketPath ?? base.socket);
  // sun_path holds 108 bytes, NUL included.
  if (socketPath.length > 107) fail('socketPath', `${socketPath} is longer than a unix socket path can be`);
  const layout: AppLayout = {
    ...base,
    socket: socketPath,
    lockOwner: checkPath('deployLockPath', input.deployLockPath ?? base.lockOwner),
    preloadDir: checkPath('preloadDir', input.preloadDir ?? base.preloadDir)
  };
  const user = check('user', input.user ?? layout.user, LOGIN_NAME, 'a user name');
  const group = check('group', input.group ?? user, LOGIN_NAME, 'a group name');
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
  const gunicorn = gunicornVars(input.gunicorn);
  const database = env.find((e) => e.key === 'DATABASE')?.value;
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
    gunicorn,
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
    deployLockPath: layout.lockOwner,
    dbPath: checkPath(
      input.dbPath === undefined && database !== undefined ? 'DATABASE (env)' : 'dbPath',
      input.dbPath ?? database ?? `${layout.instance}/app.db`
    ),
    backupDir: checkPath('backupDir', input.backupDir ?? layout.backups),
    legacyBackupDir: layout.legacyBackups,
    rootReadProgram: rootReadProgram(),
    backupKeepDays: checkInt('backupKeepDays', input.backupKeepDays ?? 14, 1, 3650),
    dbMaintenanceTime: check(
      'dbMaintenanceTime',
      input.dbMaintenanceTime ?? '03:30',
      /^([01]\d|2[0-3]):[0-5]\d$/,
      'HH:MM'
    ),

    layout,
    serviceName: layout.units.service.name,
    socketName: layout.units.socket.name,
    current: layout.current,
    envFile: layout.envFile,
    gunicornConf: layout.gunicornConf,
    instancePath: layout.instance,
    logDir: layout.logDir,
    accessLog: layout.accessLog,
    errorLog: layout.errorLog,
    stopTimeout: gracefulTimeout + 15,
    // A WebSocket or a server-sent event stream may stay quiet for long: nginx must not cut it.
    proxyTimeout: gunicorn.uvicorn ? Math.max(3600, timeout + 30) : timeout + 30,
    healthUrl: `http://${healthHost}${healthPath}`,
    healthScript: layout.healthScript,
    dbScript: layout.dbScript,
    preloadDir: layout.preloadDir,
    releasesDir: layout.releases
  };
  return vars;
}
