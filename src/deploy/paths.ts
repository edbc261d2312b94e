import * as path from 'node:path';
import type { Settings } from '../settings.js';

/**
 * Where everything lives on a server. The server's state (releases, venvs, lock, history) is the
 * source of truth: any runner, or a human with ssh, can see what is deployed and why.
 */
export interface ServerPaths {
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
  current: string;
  shared: string;
  venvs: string;
  pipCache: string;
  backups: string;
  /** Lock, history, config backups, uploads in flight. */
  state: string;
  lock: string;
  lockOwner: string;
  history: string;
  incoming: string;
  etc: string;
  envFile: string;
  gunicornConf: string;
  socket: string;
  logDir: string;
  unitDir: string;
}

export function serverPaths(settings: Settings): ServerPaths {
  const app = settings.app.name;
  const dir = settings.app.dir;
  const state = path.posix.join(dir, '.deploy');
  return {
    app,
    user: app,
    buildUser: `${app}-build`,
    dir,
    releases: `${dir}/releases`,
    current: `${dir}/current`,
    shared: `${dir}/shared`,
    venvs: `${dir}/venvs`,
    pipCache: `${dir}/venvs/.pip-cache`,
    backups: `${dir}/backups`,
    state,
    lock: `${state}/lock`,
    lockOwner: `${state}/lock.owner`,
    history: `${state}/history.log`,
    incoming: `${state}/incoming`,
    etc: `/etc/${app}`,
    envFile: `/etc/${app}/env`,
    gunicornConf: `/etc/${app}/gunicorn.conf.py`,
    socket: `/run/${app}/gunicorn.sock`,
    logDir: `/var/log/${app}`,
    unitDir: '/etc/systemd/system'
  };
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
