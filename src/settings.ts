import { troubleshootingRef } from './troubleshooting.js';
import { LOAD_INPUT_DEFAULTS, parseLoadSettings, type LoadSettings } from './loadtest/settings.js';
import {
  DURATION_MAX_MS,
  appDirProblem,
  appNameProblem,
  bodySizeProblem,
  commandProblem,
  databaseEnvProblem,
  debPackageProblem,
  durationProblem,
  envProblems,
  healthHostProblem,
  healthPathProblem,
  loginNameProblem,
  normalisePath,
  oneLineProblem,
  parseDiskFloor,
  pythonProblem,
  relPathProblem,
  staticUrlProblem,
  extraNameProblem,
  releaseIdProblem,
  backupIdProblem,
  safeAbsPathProblem,
  safeRelPathProblem,
  serverNameProblem,
  wsgiAppProblem,
  type DiskFloor
} from './rules.js';

/**
 * Every input is parsed here, once, into a typed Settings object. Nothing below this module reads
 * inputs; every bad value becomes one line naming the input and what is allowed, and all of them
 * are reported together before any connection is made. What a value may be is decided in rules.ts
 * (shared with render.ts, which asserts the same rules).
 */

export const MODES = [
  'deploy',
  'preflight',
  'rollback',
  'provision',
  'verify',
  'restore',
  'backups',
  'run',
  'loadtest'
] as const;
export type Mode = (typeof MODES)[number];

export interface HostSpec {
  host: string;
  port: number;
}

export interface SshSettings {
  user: string;
  privateKey: string;
  passphrase?: string;
  knownHosts?: string;
  fingerprints: string[];
  trustOnFirstUse: boolean;
  connectTimeoutMs: number;
}

export interface AppSettings {
  name: string;
  dir: string;
  source: string;
  exclude: string[];
}

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
  /** Import the release's libraries (never its own code) in Gunicorn's master. */
  preloadLibraries: boolean;
  sharedPaths: string[];
  /** Shared paths declared files (`PATH:file`): linked as files even when the source lacks them. */
  sharedFiles: string[];
  env: { key: string; value: string }[];
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

/** Server-wide setup for mode provision (and what mode verify checks). */
export interface StaticMap {
  /** /prefix/, with slashes. */
  url: string;
  /** Relative to the release, or to shared/ when shared. */
  folder: string;
  shared: boolean;
}

export interface ProvisionSettings {
  /** Extra Debian packages, on top of what provision always installs. */
  aptPackages: string[];
  /** nginx server_name: one or more names, '_' for any. */
  serverName: string;
  /** Folder in the release served by nginx at /static/ ('' for none). */
  staticPath: string;
  /** `static` mappings: URL prefix to a folder of the release, or of shared/ (uploads). */
  staticMaps: StaticMap[];
  clientMaxBodySize: string;
  /** Seconds between health checks of the health timer. */
  healthIntervalS: number;
  backupsDays: number;
  /** Absolute path on the server of an SQLite file to import ('' for none). */
  importDatabase: string;
  importDatabaseForce: boolean;
  dryRun: boolean;
}

/** How a deploy covers several servers (see src/fleet.ts). */
export interface FleetSettings {
  maxParallel: number;
  canary: boolean;
  rollbackScope: 'all' | 'host';
}

/** A bastion in front of the servers, verified like any other host. */
export interface JumpSettings {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  knownHosts?: string;
  fingerprints: string[];
}

/** Mode run: a one-off command in the serving release, as the app runs. */
export interface RunSettings {
  /** bash text, run with -euo pipefail. */
  command: string;
  /** Take the deploy lock for the command's length (no deploy can switch under it). */
  lock: boolean;
}

export interface Settings {
  mode: Mode;
  hosts: HostSpec[];
  fleet: FleetSettings;
  jump?: JumpSettings;
  ssh: SshSettings;
  app: AppSettings;
  deploy: DeploySettings;
  provision: ProvisionSettings;
  run: RunSettings;
  /** The load check (mode loadtest, verify with load: true). */
  load: LoadSettings;
  /** The inputs the user gave (non-empty), so remembered server-side settings never override them. */
  given: string[];
}

/** Reads one raw input by its action.yml name; '' when not given. */
export type InputReader = (name: string) => string;

export const DEFAULT_EXCLUDES = ['.git', '__pycache__', '.venv', 'node_modules'];

/** Defaults for optional inputs; a unit test keeps action.yml's defaults equal to these. */
export const INPUT_DEFAULTS: Record<string, string> = {
  mode: 'deploy',
  'max-parallel': '1',
  canary: 'false',
  'rollback-scope': 'all',
  port: '22',
  user: 'deploy',
  'trust-on-first-use': 'false',
  'connect-timeout': '20s',
  source: '.',
  'wsgi-app': 'app:app',
  requirements: 'auto',
  python: 'python3',
  'venv-system-site-packages': 'false',
  workers: 'auto',
  'preload-libraries': 'true',
  'shared-paths': 'instance',
  'health-path': '/health',
  'health-timeout': '30s',
  'keep-releases': '5',
  'backups-keep': '10',
  backup: 'latest',
  'rollback-restore-database': 'false',
  'lock-timeout': '5m',
  'force-unlock': 'false',
  'run-lock': 'false',
  'min-free-space': 'auto',
  'full-upload': 'false',
  'server-name': '_',
  'client-max-body-size': '10m',
  'health-interval': '5m',
  'backups-days': '30',
  'import-database-force': 'false',
  'dry-run': 'false',
  environment: 'production',
  ...LOAD_INPUT_DEFAULTS
};

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `${problems.length} input${problems.length === 1 ? ' is' : 's are'} not valid (nothing was changed on any server):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\n${troubleshootingRef('inputs')}`
    );
    this.name = 'SettingsError';
  }
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Items separated by commas or newlines (and blank lines ignored). */
export function splitList(raw: string, separators: RegExp = /[,\n]/): string[] {
  return raw
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** '500ms', '30', '30s', '5m', '1h' -> milliseconds; NaN when malformed. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}

function isIp(host: string): boolean {
  const m = IPV4.exec(host);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

function isIpv6(host: string): boolean {
  return /^[0-9A-Fa-f:]+$/.test(host) && host.includes(':');
}

export function parseSettings(readInput: InputReader): Settings {
  const problems: string[] = [];
  const given = new Set<string>();
  const read: InputReader = (name) => {
    const v = readInput(name);
    if (v.trim() !== '') given.add(name);
    return v;
  };
  const get = (name: string): string => {
    const v = read(name).trim();
    return v !== '' ? v : (INPUT_DEFAULTS[name] ?? '');
  };
  const raw = (name: string): string => read(name);
  const bool = (name: string): boolean => {
    const v = get(name);
    if (/^(true|True|TRUE|yes|1)$/.test(v)) return true;
    if (/^(false|False|FALSE|no|0)$/.test(v) || v === '') return false;
    problems.push(`input \`${name}\`: must be true or false, got '${v}'`);
    return false;
  };
  const int = (name: string, min: number, max: number): number => {
    const v = get(name);
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      problems.push(`input \`${name}\`: must be a whole number from ${min} to ${max}, got '${v}'`);
      return min;
    }
    return n;
  };
  const duration = (name: string): number => {
    const v = get(name);
    const ms = parseDuration(v);
    const bad = durationProblem(ms, DURATION_MAX_MS[name]);
    if (bad) {
      problems.push(`input \`${name}\`: ${bad}, got '${v}'`);
      // Within every other bound, so one bad duration is reported once.
      return DURATION_MAX_MS[name] ?? 1000;
    }
    return ms;
  };
  const check = (name: string, problem: string | undefined): void => {
    if (problem) problems.push(`input \`${name}\`: ${problem}`);
  };
  const required = (name: string): string => {
    const v = get(name);
    if (v === '') problems.push(`input \`${name}\`: is required`);
    return v;
  };

  const modeRaw = get('mode');
  const mode = (MODES as readonly string[]).includes(modeRaw) ? (modeRaw as Mode) : 'deploy';
  if (mode !== modeRaw) problems.push(`input \`mode\`: must be one of ${MODES.join(', ')}, got '${modeRaw}'`);

  const defaultPort = int('port', 1, 65535);
  const hosts: HostSpec[] = [];
  for (const item of splitList(required('host'))) {
    const spec = parseHost(item, defaultPort);
    if (typeof spec === 'string') problems.push(`input \`host\`: ${spec}`);
    else hosts.push(spec);
  }
  if (new Set(hosts.map((h) => `${h.host}:${h.port}`)).size !== hosts.length) {
    problems.push('input `host`: lists the same server twice');
  }

  const user = get('user');
  check('user', loginNameProblem(user));

  const privateKey = required('private-key').replace(/\r\n/g, '\n');
  if (privateKey !== '' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
    problems.push(
      'input `private-key`: must be the private key text itself (-----BEGIN ... PRIVATE KEY-----), not a path or a public key'
    );
  }
  const fingerprints = splitList(get('host-fingerprint'), /[\s,]+/);
  for (const f of fingerprints) {
    if (!FINGERPRINT.test(f)) {
      problems.push(
        `input \`host-fingerprint\`: '${f}' is not a SHA256 fingerprint; expected SHA256: followed by 43 base64 characters (ssh-keygen -lf prints it)`
      );
    }
  }
  const knownHosts = raw('known-hosts').trim();
  const trustOnFirstUse = bool('trust-on-first-use');
  if (!knownHosts && fingerprints.length === 0 && !trustOnFirstUse) {
    problems.push(
      "input `known-hosts`: give the servers' host keys (known-hosts or host-fingerprint) so the server can be verified; " +
        'trust-on-first-use: true accepts an unknown key and prints its fingerprint to pin'
    );
  }

  const name = required('app-name');
  const nameBad = name !== '' ? appNameProblem(name, user) : undefined;
  check('app-name', nameBad);
  const dirRaw = read('app-dir').trim();
  const dir = normalisePath(dirRaw || `/srv/${name}`);
  // A default app-dir built from a bad app-name would only repeat the app-name problem.
  if (dirRaw !== '' || (name !== '' && !nameBad)) check('app-dir', appDirProblem(dir, user));
  const source = get('source');
  const exclude = [...DEFAULT_EXCLUDES, ...splitList(raw('exclude'))];

  const workersRaw = get('workers');
  let workers: number | 'auto' = 'auto';
  if (workersRaw !== 'auto') workers = int('workers', 1, 256);

  const env: { key: string; value: string }[] = [];
  // CRLF ends a line like LF does; any other CR is part of a value and refused there.
  for (const line of raw('env').split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!ENV_KEY.test(key)) {
      problems.push(
        `input \`env\`: each line must be KEY=VALUE with KEY like MY_SETTING; a line is not (key '${key}')`
      );
      continue;
    }
    env.push({ key, value: line.slice(eq + 1) });
  }
  for (const p of envProblems(env)) problems.push(`input \`env\`: ${p}`);
  check('env', databaseEnvProblem(env));

  const wsgiApp = get('wsgi-app');
  check('wsgi-app', wsgiAppProblem(wsgiApp));
  const relPath = (name: string, value: string): string => {
    if (value !== '') check(name, relPathProblem(value));
    return value;
  };
  /** Paths that reach scripts and units unquoted by the user's intent: the strict character set. */
  const safeRel = (name: string, value: string): string => {
    if (value !== '') check(name, safeRelPathProblem(value));
    return value;
  };
  const healthPath = get('health-path');
  check('health-path', healthPathProblem(healthPath));
  const oneLine = (name: string): string => {
    const v = raw(name).trim();
    check(name, oneLineProblem(v));
    return v;
  };
  const floor = parseDiskFloor(get('min-free-space'));
  if (typeof floor === 'string') check('min-free-space', floor);
  const healthHost = raw('health-host').trim();
  if (healthHost !== '') check('health-host', healthHostProblem(healthHost));
  const smokePaths = splitList(raw('smoke-paths'), /[\s,]+/);
  for (const sp of smokePaths) check('smoke-paths', healthPathProblem(sp));
  check('build', commandProblem(raw('build')));
  const sharedList = splitList(get('shared-paths'));
  const extras = splitList(raw('extras'), /[\s,]+/);
  for (const e of extras) check('extras', extraNameProblem(e));
  const python = get('python');
  check('python', pythonProblem(python));

  const provision = parseProvision(get, raw, bool, int, duration, problems, raw('sqlite-db').trim());
  const scope = get('rollback-scope');
  if (scope !== 'all' && scope !== 'host') {
    problems.push(
      `input \`rollback-scope\`: must be all (roll back every server switched in this run) or host (only the failed one), got '${scope}'`
    );
  }
  const fleet: FleetSettings = {
    maxParallel: int('max-parallel', 1, 64),
    canary: bool('canary'),
    rollbackScope: scope === 'host' ? 'host' : 'all'
  };
  const jump = parseJump(raw, privateKey, user, problems);
  const settings: Settings = {
    mode,
    hosts,
    fleet,
    jump,
    ssh: {
      user,
      privateKey: privateKey.endsWith('\n') || privateKey === '' ? privateKey : privateKey + '\n',
      passphrase: raw('passphrase') || undefined,
      knownHosts: knownHosts || undefined,
      fingerprints,
      trustOnFirstUse,
      connectTimeoutMs: duration('connect-timeout')
    },
    app: { name, dir, source, exclude },
    deploy: {
      wsgiApp,
      requirements: relPath('requirements', get('requirements')),
      extras,
      python,
      venvSystemSitePackages: bool('venv-system-site-packages'),
      pipArgs: raw('pip-args').trim(),
      workers,
      preloadLibraries: bool('preload-libraries'),
      sharedPaths: sharedList.map((p) =>
        safeRel('shared-paths', p.replace(/:file$/, '').replace(/\/+$/, ''))
      ),
      sharedFiles: sharedList.filter((p) => p.endsWith(':file')).map((p) => p.replace(/:file$/, '')),
      env,
      healthPath,
      healthTimeoutMs: duration('health-timeout'),
      healthExpect: oneLine('health-expect'),
      healthHost,
      smokePaths,
      keepReleases: int('keep-releases', 2, 100),
      sqliteDb: safeRel('sqlite-db', raw('sqlite-db').trim()),
      backupsKeep: int('backups-keep', 1, 1000),
      build: raw('build').trim(),
      preActivate: raw('pre-activate').trim(),
      postActivate: raw('post-activate').trim(),
      lockTimeoutMs: duration('lock-timeout'),
      forceUnlock: bool('force-unlock'),
      minFreeSpace: typeof floor === 'string' ? {} : floor,
      fullUpload: bool('full-upload'),
      rollbackTo: raw('rollback-to').trim(),
      backup: get('backup'),
      downloadBackup: oneLine('download-backup'),
      rollbackRestoreDatabase: bool('rollback-restore-database'),
      commit: oneLine('commit'),
      ref: oneLine('ref')
    },
    provision,
    run: { command: raw('command').trim(), lock: bool('run-lock') },
    load: parseLoadSettings(get, problems),
    given: [...given].sort()
  };
  if (mode === 'run')
    check(
      'command',
      settings.run.command === '' ? 'is required with mode run' : commandProblem(settings.run.command)
    );
  if (settings.deploy.rollbackTo) check('rollback-to', releaseIdProblem(settings.deploy.rollbackTo));
  if (settings.deploy.backup !== 'latest') check('backup', backupIdProblem(settings.deploy.backup));
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}

/** The inputs of mode provision (see ProvisionSettings); every bad value adds one problem. */
function parseProvision(
  get: (name: string) => string,
  raw: (name: string) => string,
  bool: (name: string) => boolean,
  int: (name: string, min: number, max: number) => number,
  duration: (name: string) => number,
  problems: string[],
  sqliteDb: string
): ProvisionSettings {
  const aptPackages = splitList(raw('apt-packages'), /[\s,]+/);
  for (const p of aptPackages) {
    const bad = debPackageProblem(p);
    if (bad) problems.push(`input \`apt-packages\`: ${bad}`);
  }
  const names = splitList(get('server-name'), /[\s,]+/);
  for (const n of names) {
    const bad = serverNameProblem(n);
    if (bad) problems.push(`input \`server-name\`: ${bad}`);
  }
  if (names.length === 0) problems.push('input `server-name`: give at least one name, or _ for any');
  const staticPath = raw('static-path').trim().replace(/\/+$/, '');
  const staticBad = staticPath !== '' ? safeRelPathProblem(staticPath) : undefined;
  if (staticBad) problems.push(`input \`static-path\`: ${staticBad}`);
  const staticMaps: StaticMap[] = [];
  for (const item of splitList(raw('static'), /[\s,]+/)) {
    const m = /^(\/[^=]*?)\/*=(.+)$/.exec(item);
    const url = m ? `${m[1]!.replace(/\/+$/, '')}/` : '';
    const folder = m ? m[2]!.replace(/\/+$/, '') : '';
    const bad = !m
      ? `must be URL-PREFIX=FOLDER (for example /static/=staticfiles or /media/=shared/media), got '${item}'`
      : (staticUrlProblem(url) ?? safeRelPathProblem(folder));
    if (bad) problems.push(`input \`static\`: ${bad}`);
    else if (staticMaps.some((x) => x.url === url) || (url === '/static/' && staticPath))
      problems.push(`input \`static\`: ${url} is mapped twice (static-path serves /static/ too)`);
    else
      staticMaps.push(
        folder.startsWith('shared/')
          ? { url, folder: folder.slice('shared/'.length), shared: true }
          : { url, folder, shared: false }
      );
  }
  const clientMaxBodySize = get('client-max-body-size');
  const sizeBad = bodySizeProblem(clientMaxBodySize);
  if (sizeBad) problems.push(`input \`client-max-body-size\`: ${sizeBad}`);
  const healthIntervalS = Math.round(duration('health-interval') / 1000);
  if (healthIntervalS < 10)
    problems.push(`input \`health-interval\`: must be at least 10s, got '${get('health-interval')}'`);
  const importDatabase = raw('import-database').trim();
  if (importDatabase !== '') {
    const bad = safeAbsPathProblem(importDatabase);
    if (bad) problems.push(`input \`import-database\`: ${bad} (a file on the server)`);
    if (sqliteDb === '')
      problems.push(
        'input `import-database`: needs `sqlite-db` too (where in APP-DIR/shared the database goes, e.g. instance/app.db)'
      );
  }
  return {
    aptPackages,
    serverName: names.join(' '),
    staticPath,
    staticMaps,
    clientMaxBodySize,
    healthIntervalS,
    backupsDays: int('backups-days', 1, 3650),
    importDatabase,
    importDatabaseForce: bool('import-database-force'),
    dryRun: bool('dry-run')
  };
}

/** 'host', 'host:port', '[v6]:port' -> HostSpec, or a message saying what is wrong. */
/** jump-host `user@host:port` and its own key and host-key inputs; undefined without a bastion. */
function parseJump(
  raw: InputReader,
  mainKey: string,
  mainUser: string,
  problems: string[]
): JumpSettings | undefined {
  const spec = raw('jump-host').trim();
  if (!spec) return undefined;
  const at = spec.lastIndexOf('@');
  const user = at > 0 ? spec.slice(0, at) : mainUser;
  const hostPart = at > 0 ? spec.slice(at + 1) : spec;
  const hp = parseHost(hostPart, 22);
  if (typeof hp === 'string' || !USER.test(user)) {
    problems.push(`input \`jump-host\`: must be user@host or user@host:port, got '${spec}'`);
    return undefined;
  }
  const key = (raw('jump-private-key').trim() || mainKey).replace(/\r\n/g, '\n');
  const fingerprints = splitList(raw('jump-host-fingerprint'), /[\s,]+/);
  for (const f of fingerprints) {
    if (!FINGERPRINT.test(f))
      problems.push(`input \`jump-host-fingerprint\`: '${f}' is not a SHA256 fingerprint`);
  }
  const knownHosts = raw('jump-known-hosts').trim() || undefined;
  if (!knownHosts && fingerprints.length === 0) {
    problems.push(
      "input `jump-known-hosts`: give the bastion's host key (jump-known-hosts or jump-host-fingerprint); it is verified like any other host"
    );
  }
  return { ...hp, user, privateKey: key.endsWith('\n') ? key : key + '\n', knownHosts, fingerprints };
}

export function parseHost(item: string, defaultPort: number): HostSpec | string {
  let host = item;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else if ((item.match(/:/g) ?? []).length === 1) {
    const [h, p] = item.split(':');
    host = h!;
    if (!/^\d+$/.test(p!)) return `'${item}': the port after ':' must be a number`;
    port = Number(p);
  }
  if (port < 1 || port > 65535) return `'${item}': port must be 1-65535`;
  if (!(isIp(host) || isIpv6(host) || (HOSTNAME.test(host) && !IPV4.test(host)))) {
    return `'${item}' is not a host name or IP address`;
  }
  return { host, port };
}
