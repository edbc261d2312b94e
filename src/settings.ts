import * as path from 'node:path';
import { troubleshootingRef } from './troubleshooting.js';

/**
 * Every input is parsed here, once, into a typed Settings object. Nothing below this module reads
 * inputs; every bad value becomes one line naming the input and what is allowed, and all of them
 * are reported together before any connection is made.
 */

export const MODES = ['deploy', 'preflight', 'rollback', 'provision', 'verify'] as const;
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
  requirements: string;
  python: string;
  venvSystemSitePackages: boolean;
  pipArgs: string;
  /** 'auto' = 2 x cores + 1, computed on the server. */
  workers: number | 'auto';
  /** Import the release's libraries (never its own code) in Gunicorn's master. */
  preloadLibraries: boolean;
  sharedPaths: string[];
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
  preActivate: string;
  postActivate: string;
  lockTimeoutMs: number;
  forceUnlock: boolean;
  /** Send the whole tree even when the previous release's manifest would allow a delta. */
  fullUpload: boolean;
  rollbackTo: string;
  commit: string;
  ref: string;
}

/** Server-wide setup for mode provision (and what mode verify checks). */
export interface ProvisionSettings {
  /** Extra Debian packages, on top of what provision always installs. */
  aptPackages: string[];
  /** nginx server_name: one or more names, '_' for any. */
  serverName: string;
  /** Folder in the release served by nginx at /static/ ('' for none). */
  staticPath: string;
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

export interface Settings {
  mode: Mode;
  hosts: HostSpec[];
  fleet: FleetSettings;
  jump?: JumpSettings;
  ssh: SshSettings;
  app: AppSettings;
  deploy: DeploySettings;
  provision: ProvisionSettings;
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
  requirements: 'requirements.txt',
  python: 'python3',
  'venv-system-site-packages': 'false',
  workers: 'auto',
  'preload-libraries': 'true',
  'shared-paths': 'instance',
  'health-path': '/health',
  'health-timeout': '30s',
  'keep-releases': '5',
  'backups-keep': '10',
  'lock-timeout': '5m',
  'force-unlock': 'false',
  'full-upload': 'false',
  'server-name': '_',
  'client-max-body-size': '10m',
  'health-interval': '5m',
  'backups-days': '30',
  'import-database-force': 'false',
  'dry-run': 'false',
  environment: 'production'
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

const APP_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WSGI_APP = /^[A-Za-z_][A-Za-z0-9_.]*(:[A-Za-z_][A-Za-z0-9_.()'", =]*)?$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
// Debian policy: lowercase letters, digits, + - . (at least two characters, starting alphanumeric).
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;
// nginx server_name entries: host names, *.wildcards, or _ (any).
const SERVER_NAME = /^(_|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?)$/;

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
    if (!Number.isFinite(ms) || ms <= 0) {
      problems.push(`input \`${name}\`: must be a positive duration such as 30s, 5m or 500ms, got '${v}'`);
      return 1000;
    }
    return ms;
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
  if (!USER.test(user)) problems.push(`input \`user\`: must be a login name such as deploy, got '${user}'`);

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
  if (name !== '' && !APP_NAME.test(name)) {
    problems.push(
      `input \`app-name\`: must match ^[a-z][a-z0-9-]{0,31}$ (a lowercase letter, then lowercase letters, digits or -), got '${name}'`
    );
  }
  const dir = (read('app-dir').trim() || `/srv/${name}`).replace(/\/+$/, '');
  // A default app-dir built from a bad app-name would only repeat the app-name problem.
  const dirGiven = read('app-dir').trim() !== '' || APP_NAME.test(name);
  if (!dirGiven) {
    // reported under app-name
  } else if (
    !path.posix.isAbsolute(dir) ||
    dir.split('/').includes('..') ||
    /[\s'"$`\\]/.test(dir) ||
    dir === ''
  ) {
    problems.push(`input \`app-dir\`: must be an absolute path without spaces, quotes or '..', got '${dir}'`);
  } else if (['/', '/etc', '/usr', '/var', '/bin', '/srv', '/home', '/root', '/opt', '/tmp'].includes(dir)) {
    problems.push(
      `input \`app-dir\`: '${dir}' is a system folder; use a folder of the app's own such as /srv/${name}`
    );
  }
  const source = get('source');
  const exclude = [...DEFAULT_EXCLUDES, ...splitList(raw('exclude'))];

  const workersRaw = get('workers');
  let workers: number | 'auto' = 'auto';
  if (workersRaw !== 'auto') workers = int('workers', 1, 256);

  const env: { key: string; value: string }[] = [];
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
  const debugLine = env.find((e) => e.key === 'FLASK_DEBUG' && !/^(0|false|)$/i.test(e.value.trim()));
  if (debugLine)
    problems.push(
      'input `env`: FLASK_DEBUG must stay off in production (the tool always writes FLASK_DEBUG=0)'
    );

  const wsgiApp = get('wsgi-app');
  if (!WSGI_APP.test(wsgiApp))
    problems.push(`input \`wsgi-app\`: must look like module:variable (app:app), got '${wsgiApp}'`);
  const relPath = (name: string, value: string): string => {
    if (value !== '' && (path.posix.isAbsolute(value) || value.split('/').includes('..'))) {
      problems.push(`input \`${name}\`: must be a path relative to the app without '..', got '${value}'`);
    }
    return value;
  };
  const healthPath = get('health-path');
  if (!healthPath.startsWith('/') || /\s/.test(healthPath)) {
    problems.push(`input \`health-path\`: must be a URL path starting with /, got '${healthPath}'`);
  }
  const healthHost = raw('health-host').trim();
  if (healthHost !== '' && !HOSTNAME.test(healthHost) && !isIp(healthHost))
    problems.push(`input \`health-host\`: must be a host name such as example.com, got '${healthHost}'`);
  const smokePaths = splitList(raw('smoke-paths'), /[\s,]+/);
  for (const sp of smokePaths) {
    if (!/^\/[A-Za-z0-9._~/?&=%+-]*$/.test(sp))
      problems.push(`input \`smoke-paths\`: '${sp}' is not a URL path starting with /`);
  }
  const python = get('python');
  if (!/^[A-Za-z0-9_./-]+$/.test(python))
    problems.push(`input \`python\`: must be an interpreter name or path, got '${python}'`);

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
      python,
      venvSystemSitePackages: bool('venv-system-site-packages'),
      pipArgs: raw('pip-args').trim(),
      workers,
      preloadLibraries: bool('preload-libraries'),
      sharedPaths: splitList(get('shared-paths')).map((p) => relPath('shared-paths', p.replace(/\/+$/, ''))),
      env,
      healthPath,
      healthTimeoutMs: duration('health-timeout'),
      healthExpect: raw('health-expect').trim(),
      healthHost,
      smokePaths,
      keepReleases: int('keep-releases', 2, 100),
      sqliteDb: relPath('sqlite-db', raw('sqlite-db').trim()),
      backupsKeep: int('backups-keep', 1, 1000),
      preActivate: raw('pre-activate').trim(),
      postActivate: raw('post-activate').trim(),
      lockTimeoutMs: duration('lock-timeout'),
      forceUnlock: bool('force-unlock'),
      fullUpload: bool('full-upload'),
      rollbackTo: raw('rollback-to').trim(),
      commit: raw('commit').trim(),
      ref: raw('ref').trim()
    },
    provision,
    given: [...given].sort()
  };
  if (settings.deploy.rollbackTo && !/^[0-9A-Za-z._-]+$/.test(settings.deploy.rollbackTo)) {
    problems.push(
      `input \`rollback-to\`: must be a release id such as 20261127T162000Z-abc1234, got '${settings.deploy.rollbackTo}'`
    );
  }
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
    if (!DEB_PACKAGE.test(p))
      problems.push(
        `input \`apt-packages\`: '${p}' is not a Debian package name (lowercase letters, digits, + - .)`
      );
  }
  const names = splitList(get('server-name'), /[\s,]+/);
  for (const n of names) {
    if (!SERVER_NAME.test(n) || n.length > 253)
      problems.push(
        `input \`server-name\`: '${n}' is not a host name (example.com, *.example.com or _ for any)`
      );
  }
  if (names.length === 0) problems.push('input `server-name`: give at least one name, or _ for any');
  const staticPath = raw('static-path').trim().replace(/\/+$/, '');
  if (
    staticPath !== '' &&
    (!/^[A-Za-z0-9._/-]+$/.test(staticPath) ||
      staticPath.startsWith('/') ||
      staticPath.split('/').some((s) => s === '..' || s === '.'))
  ) {
    problems.push(
      `input \`static-path\`: must be a folder relative to the app (letters, digits, . _ / -, no '..'), got '${staticPath}'`
    );
  }
  const clientMaxBodySize = get('client-max-body-size');
  if (!/^\d+[kKmMgG]?$/.test(clientMaxBodySize))
    problems.push(
      `input \`client-max-body-size\`: must be an nginx size such as 10m, 512k or 1g, got '${clientMaxBodySize}'`
    );
  const healthIntervalS = Math.round(duration('health-interval') / 1000);
  if (healthIntervalS < 10)
    problems.push(`input \`health-interval\`: must be at least 10s, got '${get('health-interval')}'`);
  const importDatabase = raw('import-database').trim();
  if (importDatabase !== '') {
    if (!/^\/[A-Za-z0-9._/-]+$/.test(importDatabase) || importDatabase.split('/').includes('..'))
      problems.push(
        `input \`import-database\`: must be an absolute path on the server (letters, digits, . _ / -), got '${importDatabase}'`
      );
    if (sqliteDb === '')
      problems.push(
        'input `import-database`: needs `sqlite-db` too (where in APP-DIR/shared the database goes, e.g. instance/app.db)'
      );
  }
  return {
    aptPackages,
    serverName: names.join(' '),
    staticPath,
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
