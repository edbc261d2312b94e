/**
 * The rules every value must pass before it reaches a script, a unit, a config or a file on a server.
 * Each rule returns what is wrong (a phrase without the input's name) or undefined. parseSettings
 * applies them to the inputs before any connection, naming the input as the user wrote it; render.ts
 * applies the same rules again as assertions, so a value that slipped past the first check is an
 * internal error, never a broken file on a server.
 */

export type Problem = string | undefined;

/** One user-supplied variable for the app's environment file. */
export interface EnvVar {
  key: string;
  value: string;
}

// ---------------------------------------------------------------------------------------------
// Names

/**
 * The app name is also a system user and group, /etc/APP, /var/log/APP and the units APP.service,
 * APP.socket, APP-health.*, APP-db-maintenance.*. 26 characters leave room for `-build` (a build
 * user per app) under useradd's 32.
 */
export const APP_NAME_MAX = 26;
const APP_NAME = new RegExp(`^[a-z][a-z0-9-]{0,${APP_NAME_MAX - 1}}$`);

/**
 * Names Debian and Ubuntu (or common packages) use for their own users, groups, units, /etc or
 * /var/log folders. Taking one would overwrite a system unit (ssh.service: no SSH after the next
 * boot) or run the app as an account that is not its own. The server is checked too (layout and
 * preflight refuse any unit or user of the name that this tool did not create); this list catches
 * the well-known ones before any connection.
 */
export const RESERVED_APP_NAMES = new Set([
  // accounts and groups of a Debian/Ubuntu base system
  ...['root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy'],
  ...['www-data', 'backup', 'list', 'irc', 'gnats', 'nobody', 'nogroup', 'messagebus', 'polkitd'],
  ...['adm', 'tty', 'disk', 'kmem', 'dialout', 'fax', 'voice', 'cdrom', 'floppy', 'tape', 'sudo'],
  ...['audio', 'dip', 'operator', 'src', 'shadow', 'utmp', 'video', 'sasl', 'plugdev', 'staff'],
  ...['users', 'input', 'sgx', 'kvm', 'render', 'netdev', 'crontab', 'lpadmin', 'admin', 'wheel'],
  ...['ssl-cert', 'syslog', 'uuidd', 'tss', 'tcpdump', 'landscape', 'pollinate', 'lxd', 'ubuntu'],
  ...['debian', 'user', 'ftp'],
  // services (units, /etc and /var/log folders)
  ...['ssh', 'sshd', 'openssh', 'nginx', 'apache2', 'httpd', 'cron', 'anacron', 'atd', 'dbus'],
  ...['getty', 'polkit', 'rsyslog', 'ufw', 'nftables', 'iptables', 'firewalld', 'certbot'],
  ...['logrotate', 'postgres', 'postgresql', 'mysql', 'mariadb', 'redis', 'redis-server'],
  ...['memcached', 'rabbitmq', 'mongodb', 'docker', 'containerd', 'snapd', 'fail2ban', 'exim4'],
  ...['postfix', 'chrony', 'ntp', 'ntpsec', 'cloud-init', 'unattended-upgrades', 'apparmor'],
  ...['networking', 'network', 'udev', 'kmod', 'procps', 'apt', 'dpkg', 'ssl', 'security', 'default'],
  ...['alternatives', 'init', 'journal', 'private', 'installer', 'emergency', 'rescue', 'reboot'],
  ...['poweroff', 'halt', 'shutdown', 'kexec', 'multi-user', 'graphical', 'basic', 'sysinit'],
  ...['sockets', 'timers', 'paths', 'swap', 'local-fs', 'remote-fs', 'gunicorn-deploy']
]);

/** Prefixes and suffixes that would collide with systemd's units or this tool's own names. */
const RESERVED_PREFIXES = ['systemd-', 'dbus-', 'apt-', 'dpkg-', 'ssh-', 'nginx-'];
const RESERVED_SUFFIXES = ['-health', '-db-maintenance', '-build'];

export function appNameProblem(name: string, loginUser?: string): Problem {
  if (!APP_NAME.test(name)) {
    return `must be a lowercase letter, then up to ${APP_NAME_MAX - 1} lowercase letters, digits or - (at most ${APP_NAME_MAX} characters, so that APP-build stays a valid user name), got '${name}'`;
  }
  if (name === loginUser) {
    return `'${name}' is the SSH login user (input \`user\`); the app needs a system user of its own: choose another name`;
  }
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  const suffix = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (RESERVED_APP_NAMES.has(name) || prefix || suffix) {
    return `'${name}' is reserved: it is (or could be) a system user, group or unit (${name}.service) of the server or of this tool; choose a name of the app's own, such as shop or myapp-web`;
  }
  return undefined;
}

/** A system user or group name (the login user, a jump host's user). */
export const LOGIN_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function loginNameProblem(name: string): Problem {
  return LOGIN_NAME.test(name) ? undefined : `must be a login name such as deploy, got '${name}'`;
}

// ---------------------------------------------------------------------------------------------
// Paths

// Plain characters only: no spaces, quotes, $, %, ;, backslash (systemd specifiers and escapes,
// shell and SQLite quoting, nginx syntax all stay trivially safe).
const SAFE_ABS_PATH = /^\/[A-Za-z0-9._/-]*$/;
const SAFE_REL_PATH = /^[A-Za-z0-9._/-]+$/;

/** '/srv/app//' -> '/srv/app' (repeated and trailing slashes only; . and .. are refused, not resolved). */
export function normalisePath(p: string): string {
  const collapsed = p.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

function dotSegments(p: string): boolean {
  return p.split('/').some((s) => s === '.' || s === '..');
}

/** An absolute path of letters, digits and . _ / -, without . or .. segments. */
export function safeAbsPathProblem(p: string): Problem {
  if (!SAFE_ABS_PATH.test(p))
    return `must be an absolute path of letters, digits and . _ / - only, got '${p}'`;
  if (dotSegments(p)) return `must not have . or .. segments, got '${p}'`;
  return undefined;
}

/** A path inside the app (a release or shared/): relative, safe characters, no . or .. segments. */
export function safeRelPathProblem(p: string): Problem {
  if (!SAFE_REL_PATH.test(p) || p.startsWith('/'))
    return `must be a path relative to the app of letters, digits and . _ / - only, got '${p}'`;
  if (dotSegments(p)) return `must not have . or .. segments, got '${p}'`;
  return undefined;
}

/** A file the runner's tree holds (requirements): relative, inside the app, one line; quoted where used. */
export function relPathProblem(p: string): Problem {
  if (p.startsWith('/') || p.split('/').includes('..'))
    return `must be a path relative to the app without '..', got '${p}'`;
  return oneLineProblem(p);
}

/** A URL prefix nginx serves files under: /name/ or /a/b/, safe characters only. */
export function staticUrlProblem(v: string): Problem {
  return /^\/([A-Za-z0-9._-]+\/)+$/.test(v) && !/\/\.\.?\//.test(v)
    ? undefined
    : `must be a URL prefix such as /static/ or /media/ (letters, digits and . _ -), got '${v}'`;
}

/** An extra of pyproject.toml's [project.optional-dependencies] (PEP 685 names). */
export function extraNameProblem(v: string): Problem {
  return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(v)
    ? undefined
    : `must be extra names of letters, digits and . _ - separated by commas, got '${v}'`;
}

/** The interpreter that builds virtualenvs: a command name or path, quoted where used. */
export function pythonProblem(v: string): Problem {
  return /^[A-Za-z0-9_./-]+$/.test(v) ? undefined : `must be an interpreter name or path, got '${v}'`;
}

/** A release id as the tool writes them (20261127T162000Z-abc1234). */
export function releaseIdProblem(v: string): Problem {
  return /^[0-9A-Za-z._-]+$/.test(v) && !/^\.\.?$/.test(v)
    ? undefined
    : `must be a release id such as 20261127T162000Z-abc1234, got '${v}'`;
}

/** A backup's id: its file name on the server, as mode backups lists it (app.db-20261127T162000Z-abc1234.db). */
export function backupIdProblem(v: string): Problem {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) && v.length <= 200
    ? undefined
    : `must be latest or a backup id (its file name, as mode backups lists it), got '${v}'`;
}

// Debian policy: lowercase letters, digits, + - . (at least two characters, starting alphanumeric).
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

export function debPackageProblem(v: string): Problem {
  return DEB_PACKAGE.test(v)
    ? undefined
    : `'${v}' is not a Debian package name (lowercase letters, digits, + - .)`;
}

/** Folders (and everything under them) the system owns: an app there could overwrite it. */
const SYSTEM_TREES = ['/etc', '/usr', '/var/lib', '/boot', '/proc', '/sys', '/dev', '/root', '/bin', '/sbin'];
const SYSTEM_TREES_MORE = ['/run', '/tmp', '/var/tmp', '/var/log', '/var/cache', '/var/spool', '/var/mail'];
const SYSTEM_TREES_ALL = [...SYSTEM_TREES, ...SYSTEM_TREES_MORE, '/var/run', '/var/lock', '/var/backups'];
/** Folders that hold many apps or users: fine as a parent, not as the app's own folder. */
const SHARED_PARENTS = ['/', '/srv', '/opt', '/var', '/var/www', '/home', '/mnt', '/media', '/usr/local'];

const under = (p: string, tree: string): boolean => p === tree || p.startsWith(`${tree}/`);

/** app-dir: a folder of the app's own (normalised first), never a system folder or the login user's home. */
export function appDirProblem(dir: string, loginUser?: string): Problem {
  const bad = safeAbsPathProblem(dir);
  if (bad) return bad;
  const p = normalisePath(dir);
  const system =
    SYSTEM_TREES_ALL.find((t) => under(p, t)) ??
    (/^\/lib[^/]*(\/|$)/.test(p) ? p.split('/').slice(0, 2).join('/') : undefined) ??
    (SHARED_PARENTS.includes(p) ? p : undefined) ??
    (loginUser && under(p, `/home/${loginUser}`) ? `/home/${loginUser}` : undefined);
  if (system) {
    return `'${p}' is a system folder or inside one (${system}); use a folder of the app's own such as /srv/APP, /opt/APP or /var/www/APP`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// What Gunicorn and curl are given

const ID = '[A-Za-z_][A-Za-z0-9_]*';
// String arguments in single quotes only, of plain characters: the target is written unquoted by the
// shell but inside a systemd ExecStart= word, where $, %, \ and " would be expanded or unescaped.
const LITERAL = `(?:'[A-Za-z0-9_.:/@+-]*'|-?\\d+(?:\\.\\d+)?|True|False|None)`;
const ARG = `(?:${ID}\\s*=\\s*)?${LITERAL}`;
const CALL = `${ID}\\(\\s*(?:${ARG}(?:\\s*,\\s*${ARG})*\\s*,?\\s*)?\\)`;
const WSGI_APP = new RegExp(`^${ID}(?:\\.${ID})*(?::(?:${ID}(?:\\.${ID})*|${CALL}))?$`);

/** module, module:name, module:name.attr, or an app factory with literal arguments: pkg:create_app('prod'). */
export function wsgiAppProblem(v: string): Problem {
  if (WSGI_APP.test(v)) return undefined;
  return `must be module:name (app:app, pkg.wsgi:application, app:server.wsgi) or an app factory with simple literal arguments (pkg:create_app(), pkg:create_app('prod')); no other calls or expressions, got '${v}'`;
}

// RFC 3986 path and query characters, minus ' ( ) * ! $ ; , and + that shells, systemd or nginx read.
const HEALTH_PATH = /^\/[A-Za-z0-9._~/%:@=&?-]*$/;

export function healthPathProblem(v: string): Problem {
  if (!HEALTH_PATH.test(v) || /%(?![0-9A-Fa-f]{2})/.test(v))
    return `must be a URL path starting with / of letters, digits and . _ ~ / % : @ = & ? - (a query is allowed), got '${v}'`;
  return undefined;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The Host header of health requests: one host name or IPv4 address. */
export function healthHostProblem(v: string): Problem {
  if (HOST_NAME.test(v) || IPV4.test(v)) return undefined;
  return `must be a host name such as example.com (sent as the Host of health requests), got '${v}'`;
}

/** A command for bash on the server (mode run): any text bash reads, but no NUL, which argv cannot hold. */
export function commandProblem(v: string): Problem {
  return v.includes('\0') ? 'must not contain a NUL character' : undefined;
}

/** Free text sent to a server (health-expect, commit, ref): printable, one line. */
export function oneLineProblem(v: string): Problem {
  if (/[\x00-\x1f\x7f]/.test(v)) return 'must be one line without control characters (newline, CR, tab, NUL)';
  return undefined;
}

// nginx server_name entries: host names, *.wildcards, or _ (any).
const SERVER_NAME = /^(_|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?)$/;

/** One or more nginx server names separated by spaces. */
export function serverNameProblem(v: string): Problem {
  const names = v.split(' ');
  const bad = names.find((n) => !SERVER_NAME.test(n) || n.length > 253);
  if (bad !== undefined) return `'${bad}' is not a host name (example.com, *.example.com or _ for any)`;
  return undefined;
}

/** nginx client_max_body_size. */
export function bodySizeProblem(v: string): Problem {
  return /^\d+[kKmMgG]?$/.test(v) ? undefined : `must be an nginx size such as 10m, 512k or 1g, got '${v}'`;
}

// ---------------------------------------------------------------------------------------------
// The app's environment

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables the service's environment gets from elsewhere, so a user value would break it or be
 * ignored: the tool writes FLASK_ENV, PYTHONUNBUFFERED, INSTANCE_PATH, PWD (reloads follow
 * `current`) and keeps GUNICORN_CMD_ARGS out (it could add --bind or --preload); systemd sets the
 * account (PATH, HOME, USER, LOGNAME, SHELL), the socket handover (LISTEN_*, NOTIFY_SOCKET) and the
 * unit's own variables (INVOCATION_ID, JOURNAL_STREAM, MAINPID, ...); the loader's LD_PRELOAD and
 * LD_LIBRARY_PATH would reach every process that reads the environment file.
 */
export const RESERVED_ENV = new Set([
  'FLASK_ENV',
  'PYTHONUNBUFFERED',
  'INSTANCE_PATH',
  'PWD',
  'OLDPWD',
  'GUNICORN_CMD_ARGS',
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'NOTIFY_SOCKET',
  'INVOCATION_ID',
  'JOURNAL_STREAM',
  'MAINPID',
  'MANAGERPID',
  'SYSTEMD_EXEC_PID',
  'WATCHDOG_PID',
  'WATCHDOG_USEC',
  'RUNTIME_DIRECTORY',
  'STATE_DIRECTORY',
  'CACHE_DIRECTORY',
  'LOGS_DIRECTORY',
  'CONFIGURATION_DIRECTORY',
  'CREDENTIALS_DIRECTORY',
  'SERVICE_RESULT',
  'EXIT_CODE',
  'EXIT_STATUS',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH'
]);
const RESERVED_ENV_PREFIXES = ['LISTEN_'];

export function envKeyReserved(key: string): boolean {
  return RESERVED_ENV.has(key) || RESERVED_ENV_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * What systemd's EnvironmentFile= cannot hold: a newline or CR (a value would end there or start a
 * new one), NUL, the byte order mark and what is not a Unicode scalar value.
 */
export function envValueProblem(key: string, value: string): Problem {
  if (/[\n\r]/.test(value)) return `${key}: a value cannot contain a newline (or a carriage return)`;
  if (/[\0\uFEFF]|\p{Noncharacter_Code_Point}|\p{Surrogate}/u.test(value))
    return `${key}: a value cannot contain NUL, U+FEFF or a non-character (systemd refuses them)`;
  return undefined;
}

/** Every problem of the app's variables: names, reserved names, repeats, values, debug mode. */
export function envProblems(env: readonly EnvVar[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const { key, value } of env) {
    if (!ENV_KEY.test(key)) {
      out.push(`${JSON.stringify(key)} is not a variable name ([A-Za-z_][A-Za-z0-9_]*)`);
      continue;
    }
    if (seen.has(key)) out.push(`${key} is set twice`);
    seen.add(key);
    if (key === 'FLASK_DEBUG') {
      // Production never runs the debugger (it executes code sent from the browser).
      if (!/^(0|false|no|off)?$/i.test(value.trim()))
        out.push(
          `FLASK_DEBUG must stay off in production: FLASK_DEBUG=${value}, debug mode is refused (the tool always writes FLASK_DEBUG=0)`
        );
    } else if (envKeyReserved(key)) {
      out.push(
        `${key} is set by gunicorn-deploy or systemd for the service and cannot be overridden (see "Input rules" in the README)`
      );
    }
    const bad = envValueProblem(key, value);
    if (bad) out.push(bad);
  }
  return out;
}

/** DATABASE in env moves the database the backup timer copies: a path its script can quote. */
export function databaseEnvProblem(env: readonly EnvVar[]): Problem {
  const db = env.find((e) => e.key === 'DATABASE');
  const bad = db && safeAbsPathProblem(db.value);
  return bad ? `DATABASE (the database the daily backup copies) ${bad}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Durations and sizes

/** Node's timers hold at most 2^31-1 ms (~24.8 days); a larger value fires at once. */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/** Upper bounds of the duration inputs: a typo (720h) must not hang a run or a server loop. */
export const DURATION_MAX_MS: Record<string, number> = {
  'health-timeout': 30 * 60_000,
  'lock-timeout': 60 * 60_000,
  'connect-timeout': 5 * 60_000,
  'health-interval': 24 * 3_600_000
};

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function durationProblem(ms: number, maxMs: number = TIMER_MAX_MS): Problem {
  if (!Number.isFinite(ms) || ms <= 0) return 'must be a positive duration such as 30s, 5m or 500ms';
  const max = Math.min(maxMs, TIMER_MAX_MS);
  if (ms > max) return `must be at most ${formatDuration(max)}`;
  return undefined;
}

/** The free-space floor: an absolute size, a share of the filesystem, or the smaller of both. */
export interface DiskFloor {
  mb?: number;
  percent?: number;
}

/** 'auto' (500 MB or 5 %, whichever is smaller), '0', '750MB', '2GB', '10%'. */
export function parseDiskFloor(raw: string): DiskFloor | string {
  const v = raw.trim();
  if (v === 'auto') return { mb: 500, percent: 5 };
  const pct = /^(\d{1,2})\s*%$/.exec(v);
  if (pct) return { percent: Number(pct[1]) };
  const size = /^(\d+)\s*(MB|M|GB|G)?$/i.exec(v);
  if (size) {
    const n = Number(size[1]);
    const mb = /^g/i.test(size[2] ?? '') ? n * 1024 : n;
    if (mb <= 1024 * 1024) return { mb };
  }
  return `must be auto (500 MB, or 5 % of the filesystem if that is less), a size such as 750MB or 2GB, a share such as 10%, or 0 (no floor), got '${raw}'`;
}

// ---------------------------------------------------------------------------------------------
// Assertions for code that renders what the rules already checked

/** Thrown by render when a value reaches it unchecked: a bug in this tool, not the user's input. */
export function assertRule(field: string, problem: Problem): void {
  if (problem) {
    throw new Error(
      `internal error: invalid ${field}: ${problem} (this value should have been refused when the inputs were read)`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Load check (mode loadtest, verify with load: true): values of the load-* inputs

/** Concurrent clients of one level: enough for the seed's 100 users, not enough to exhaust sockets. */
export const LOAD_CLIENTS_MAX = 1000;
/** A level runs at most this long (the run's own bound, whatever the inputs say). */
export const LOAD_LEVEL_MAX_MS = 5 * 60_000;

export function loadClientsProblem(v: string): Problem {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > LOAD_CLIENTS_MAX)
    return `each level must be a whole number of clients from 1 to ${LOAD_CLIENTS_MAX}, got '${v}'`;
  return undefined;
}

/** A share such as 99, 99.5 or 80% (the % is optional). */
export function percentProblem(v: string): Problem {
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(v);
  if (!m || Number(m[1]) > 100) return `must be a percentage from 0 to 100 such as 99 or 99.5%, got '${v}'`;
  return undefined;
}
