import type { Settings } from '../settings.js';

/** Where the tool's own scripts (health check, database maintenance) live, for every app. */
export const SCRIPT_DIR = '/usr/local/lib/gunicorn-deploy';
const UNIT_DIR = '/etc/systemd/system';

/** A systemd unit: its name (for systemctl) and its file. */
export interface Unit {
  name: string;
  file: string;
}

/**
 * Where everything of one app lives on a server, and what its units are called: built once per host
 * (appLayout), read by the steps and handed to the templates, so no path is spelled out twice. The
 * server's state (releases, venvs, lock, history) is the source of truth: any runner, or a human
 * with ssh, can see what is deployed and why.
 */
export interface AppLayout {
  app: string;
  /** Runs Gunicorn and the hooks; reads releases and venvs, never writes them. */
  user: string;
  /**
   * Owns what is built from the repository (incoming uploads, releases, venvs, the pip cache) and
   * is the only one that writes there: root never handles repository content, and the running app
   * cannot change a release.
   */
  buildUser: string;
  dir: string;
  releases: string;
  releaseDir(id: string): string;
  /** `current`'s target, relative to dir (what the symlink holds). */
  releaseLink(id: string): string;
  current: string;
  shared: string;
  /** Flask's instance folder (shared/instance). */
  instance: string;
  venvs: string;
  pipCache: string;
  /**
   * Every database backup, in a folder root owns and the app's user cannot write (root:APP 0750):
   * the deploys' (DB-RELEASE.db), the restores' safety copies, the daily timer's (APP-STAMP.db.gz);
   * listed and restored by mode backups/restore. `.restore` inside is a restore's work folder.
   */
  backups: string;
  /**
   * Where the daily timer kept its backups before they moved into `backups` (the app's user could
   * write it): what is left there is moved over by the layout step, never read in place.
   */
  legacyBackups: string;
  /** Lock, history, config backups, uploads in flight. */
  state: string;
  /** The file flock holds while a deploy runs. */
  lock: string;
  /** Exists exactly while the lock is held (the health check skips its run then). */
  lockOwner: string;
  history: string;
  /**
   * What the last switch saw and did (old_workers=, reload=): read by a verify and a history line
   * sent together with it, before its answer reaches the runner.
   */
  lastSwitch: string;
  incoming: string;
  /** Pruned and refused releases and venvs, deleted in the background. */
  trash: string;
  /** What the units step replaced, for a rollback. */
  configPrevious: string;
  etc: string;
  envFile: string;
  gunicornConf: string;
  /** The rendered app files, before the units step puts them in place. */
  staged: string;
  /** Root-owned lists of the libraries each release loaded (one file per release). */
  preloadDir: string;
  socket: string;
  logDir: string;
  accessLog: string;
  errorLog: string;
  units: {
    service: Unit;
    socket: Unit;
    healthService: Unit;
    healthTimer: Unit;
    dbService: Unit;
    dbTimer: Unit;
    /** The app's own firewall unit of earlier versions (provision migrates it to the shared one). */
    firewallService: Unit;
    /** OnFailure= of the app's units (alert-webhook); a template, instances name the failed unit. */
    alertService: Unit;
    /** metrics: the job writing the app's Prometheus text file, every 15 s. */
    metricsService: Unit;
    metricsTimer: Unit;
    /** The certificate check (tls: acme or files): served as renewed, not ending soon. */
    tlsCheckService: Unit;
    tlsCheckTimer: Unit;
  };
  /** The transient unit the candidate boots in (systemd-run), never a file. */
  candidateUnit: string;
  healthScript: string;
  dbScript: string;
  tlsScript: string;
  nginxSite: string;
  nginxEnabled: string;
  logrotate: string;
}

function unit(name: string): Unit {
  return { name, file: `${UNIT_DIR}/${name}` };
}

/** Every unit file of the app, by role: the one list the name checks and the provision steps use. */
export function appUnits(app: string): AppLayout['units'] {
  return {
    service: unit(`${app}.service`),
    socket: unit(`${app}.socket`),
    healthService: unit(`${app}-health.service`),
    healthTimer: unit(`${app}-health.timer`),
    dbService: unit(`${app}-db-maintenance.service`),
    dbTimer: unit(`${app}-db-maintenance.timer`),
    firewallService: unit(`${app}-firewall.service`),
    alertService: unit(`${app}-alert@.service`),
    metricsService: unit(`${app}-metrics.service`),
    metricsTimer: unit(`${app}-metrics.timer`),
    tlsCheckService: unit(`${app}-tls-check.service`),
    tlsCheckTimer: unit(`${app}-tls-check.timer`)
  };
}

/** The layout of app `app` in folder `dir`; the values are trusted (settings and templateVars check them). */
export function layoutFor(app: string, dir: string): AppLayout {
  const state = `${dir}/.deploy`;
  const etc = `/etc/${app}`;
  const logDir = `/var/log/${app}`;
  return {
    app,
    user: app,
    buildUser: `${app}-build`,
    dir,
    releases: `${dir}/releases`,
    releaseDir: (id) => `${dir}/releases/${id}`,
    releaseLink: (id) => `releases/${id}`,
    current: `${dir}/current`,
    shared: `${dir}/shared`,
    instance: `${dir}/shared/instance`,
    venvs: `${dir}/venvs`,
    pipCache: `${dir}/venvs/.pip-cache`,
    backups: `${dir}/backups`,
    legacyBackups: `${dir}/shared/backups`,
    state,
    lock: `${state}/lock`,
    lockOwner: `${state}/lock.owner`,
    history: `${state}/history.log`,
    lastSwitch: `${state}/last-switch`,
    incoming: `${state}/incoming`,
    trash: `${state}/trash`,
    configPrevious: `${state}/config-previous`,
    etc,
    envFile: `${etc}/env`,
    gunicornConf: `${etc}/gunicorn.conf.py`,
    staged: `${etc}/staged`,
    preloadDir: `${etc}/preload`,
    socket: `/run/${app}/gunicorn.sock`,
    logDir,
    accessLog: `${logDir}/access.log`,
    errorLog: `${logDir}/error.log`,
    units: appUnits(app),
    candidateUnit: `gunicorn-deploy-candidate-${app}`,
    healthScript: `${SCRIPT_DIR}/${app}-health-check`,
    dbScript: `${SCRIPT_DIR}/${app}-db-maintenance`,
    tlsScript: `${SCRIPT_DIR}/${app}-tls-check`,
    nginxSite: `/etc/nginx/sites-available/${app}.conf`,
    nginxEnabled: `/etc/nginx/sites-enabled/${app}.conf`,
    logrotate: `/etc/logrotate.d/${app}`
  };
}

/** The app's layout on every server of this run. */
export function appLayout(settings: Settings): AppLayout {
  return layoutFor(settings.app.name, settings.app.dir);
}

/** Sortable: UTC time to the second, then the short commit ('local' outside a checkout). */
export function releaseId(now: Date, commit: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const short = /^[0-9a-f]{7,40}$/i.test(commit) ? commit.slice(0, 7).toLowerCase() : 'local';
  return `${stamp}-${short}`;
}
