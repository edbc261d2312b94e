import {
  backupIdProblem,
  commandProblem,
  extraNameProblem,
  healthHostProblem,
  healthPathProblem,
  oneLineProblem,
  parseDiskFloor,
  pythonProblem,
  relPathProblem,
  releaseIdProblem,
  safeRelPathProblem,
  wsgiAppProblem,
  type DiskFloor,
  type EnvVar
} from '../rules.js';
import { parseEnv } from './env.js';
import { parseGunicornSettings, type GunicornSettings } from './gunicorn.js';
import type { Inputs, Problems } from './inputs.js';

export interface DeploySettings {
  wsgiApp: string;
  /** A file relative to the source, or auto (requirements.txt, else pyproject.toml). */
  requirements: string;
  /** Optional-dependency groups of pyproject.toml installed too. */
  extras: string[];
  python: string;
  venvSystemSitePackages: boolean;
  pipArgs: string;
  /** 'auto' = 2 x cores + 1, computed on the server. */
  workers: number | 'auto';
  /** worker-class, threads, timeouts, limits and gunicorn-settings: Gunicorn's own settings. */
  gunicorn: GunicornSettings;
  /** Import the release's libraries (never its own code) in Gunicorn's master. */
  preloadLibraries: boolean;
  sharedPaths: string[];
  /** Shared paths declared files (`PATH:file`): linked as files even when the source lacks them. */
  sharedFiles: string[];
  env: EnvVar[];
  healthPath: string;
  healthTimeoutMs: number;
  healthExpect: string;
  /** Host header of every health request ('' = the first server-name, else localhost). */
  healthHost: string;
  /** More paths that must answer 2xx/3xx on the candidate before the switch. */
  smokePaths: string[];
  keepReleases: number;
  sqliteDb: string;
  backupsKeep: number;
  /** Commands run in the new release as the build user before it is checked (collectstatic). */
  build: string;
  preActivate: string;
  postActivate: string;
  /** Undoes this release's migrations: run in it by a rollback away from it (a Procfile's rollback: too). */
  rollbackCommand: string;
  lockTimeoutMs: number;
  forceUnlock: boolean;
  /** Free space the app's filesystem must keep: deploy and preflight refuse to start below it. */
  minFreeSpace: DiskFloor;
  /** Send the whole tree even when the previous release's manifest would allow a delta. */
  fullUpload: boolean;
  rollbackTo: string;
  /** Mode restore: the backup to restore (its file name) or 'latest'. */
  backup: string;
  /** A path on the runner to copy the newest backup to ('' for none; deploy and backups modes). */
  downloadBackup: string;
  /** An automatic rollback after pre-activate also restores the pre-deploy backup, when provably safe. */
  rollbackRestoreDatabase: boolean;
  commit: string;
  ref: string;
}

/** What a release is, how it is built and proven, and what deploy, rollback and restore keep. */
export function parseDeploySettings(read: Inputs, problems: Problems): DeploySettings {
  /** A value checked by a rule when given (and returned as it is). */
  const ruled = (name: string, value: string, rule: (v: string) => string | undefined): string => {
    if (value !== '') read.check(name, rule(value));
    return value;
  };
  /** Free text sent to a server: one line. */
  const oneLine = (name: string): string => ruled(name, read.text(name), oneLineProblem);
  const workers: number | 'auto' = read.get('workers') === 'auto' ? 'auto' : read.int('workers', 1, 256);
  const floor = parseDiskFloor(read.get('min-free-space'));
  if (typeof floor === 'string') read.check('min-free-space', floor);
  const shared = read.list('shared-paths');
  const smokePaths = read.list('smoke-paths', /[\s,]+/);
  for (const p of smokePaths) read.check('smoke-paths', healthPathProblem(p));
  const extras = read.list('extras', /[\s,]+/);
  for (const e of extras) read.check('extras', extraNameProblem(e));
  const backup = read.get('backup');
  if (backup !== 'latest') read.check('backup', backupIdProblem(backup));
  const build = read.text('build');
  read.check('build', commandProblem(read('build')));
  return {
    wsgiApp: ruled('wsgi-app', read.get('wsgi-app'), wsgiAppProblem),
    requirements: ruled('requirements', read.get('requirements'), relPathProblem),
    extras,
    python: ruled('python', read.get('python'), pythonProblem),
    venvSystemSitePackages: read.bool('venv-system-site-packages'),
    pipArgs: read.text('pip-args'),
    workers,
    gunicorn: parseGunicornSettings(read, problems),
    preloadLibraries: read.bool('preload-libraries'),
    // Paths that reach scripts and units unquoted by the user's intent: the strict character set.
    sharedPaths: shared.map((p) =>
      ruled('shared-paths', p.replace(/:file$/, '').replace(/\/+$/, ''), safeRelPathProblem)
    ),
    sharedFiles: shared.filter((p) => p.endsWith(':file')).map((p) => p.replace(/:file$/, '')),
    env: parseEnv(read, problems),
    healthPath: ruled('health-path', read.get('health-path'), healthPathProblem),
    healthTimeoutMs: read.duration('health-timeout'),
    healthExpect: oneLine('health-expect'),
    healthHost: ruled('health-host', read.text('health-host'), healthHostProblem),
    smokePaths,
    keepReleases: read.int('keep-releases', 2, 100),
    sqliteDb: ruled('sqlite-db', read.text('sqlite-db'), safeRelPathProblem),
    backupsKeep: read.int('backups-keep', 1, 1000),
    build,
    preActivate: read.text('pre-activate'),
    postActivate: read.text('post-activate'),
    rollbackCommand: ruled('rollback-command', read.text('rollback-command'), commandProblem),
    lockTimeoutMs: read.duration('lock-timeout'),
    forceUnlock: read.bool('force-unlock'),
    minFreeSpace: typeof floor === 'string' ? {} : floor,
    fullUpload: read.bool('full-upload'),
    rollbackTo: ruled('rollback-to', read.text('rollback-to'), releaseIdProblem),
    backup,
    downloadBackup: oneLine('download-backup'),
    rollbackRestoreDatabase: read.bool('rollback-restore-database'),
    commit: oneLine('commit'),
    ref: oneLine('ref')
  };
}
