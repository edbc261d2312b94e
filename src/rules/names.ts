import type { Problem } from './problem.js';

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
const RESERVED_SUFFIXES = ['-health', '-db-maintenance', '-build', '-firewall', '-alert'];

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

/** An extra of pyproject.toml's [project.optional-dependencies] (PEP 685 names). */
export function extraNameProblem(v: string): Problem {
  return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(v)
    ? undefined
    : `must be extra names of letters, digits and . _ - separated by commas, got '${v}'`;
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
    : `must be latest, undo or a backup id (its file name, as mode backups lists it), got '${v}'`;
}

// Debian policy: lowercase letters, digits, + - . (at least two characters, starting alphanumeric).
const DEB_PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

export function debPackageProblem(v: string): Problem {
  return DEB_PACKAGE.test(v)
    ? undefined
    : `'${v}' is not a Debian package name (lowercase letters, digits, + - .)`;
}
