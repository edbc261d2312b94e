import { createHash } from 'node:crypto';
import path from 'node:path';

export type Suite = 'trixie' | 'bookworm';
export const SUITES: readonly Suite[] = ['trixie', 'bookworm'];

/** Bump when the post-debootstrap setup changes: the cache key changes with it, so templates rebuild. */
export const HARNESS_VERSION = 'gunicorn-deploy-sandbox-rootfs-2';

/**
 * The production edge (TLS, firewall, SSH bans, metrics, load check): provision installs them on a real server; here
 * they are in the image so a test does not wait for apt. pebble is the test ACME server. They go in
 * with apt after debootstrap, which cannot resolve the virtual packages certbot's Python depends on.
 */
export const EDGE_PACKAGES: readonly string[] = [
  'certbot',
  'pebble',
  'nftables',
  'wrk',
  'apache2-utils',
  'openssl',
  'fail2ban',
  'prometheus-node-exporter'
];

/**
 * What real apps run beside Gunicorn, each from Debian: a Redis broker with RQ and Celery workers,
 * PostgreSQL with its Python driver, FastAPI on uvicorn's worker (with WebSockets). In the image so
 * a test does not wait for apt; their services are disabled in it (DISABLED_SERVICES), because
 * provision is what installs, enables and starts them on a real server.
 */
export const APP_STACK_PACKAGES: readonly string[] = [
  'redis-server',
  'python3-redis',
  'python3-rq',
  'python3-celery',
  'postgresql',
  'python3-psycopg2',
  'python3-fastapi',
  'python3-uvicorn',
  'python3-websockets'
];

/** Services of the image's packages that a fresh server would not run until provision starts them. */
export const DISABLED_SERVICES: readonly string[] = [
  'redis-server',
  'postgresql',
  'fail2ban',
  'prometheus-node-exporter'
];

/** A server ready for a Flask app behind Gunicorn and nginx, as the deploy expects to find one. */
export const READY_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'libpam-systemd',
  'openssh-server',
  'sudo',
  'python3',
  'python3-venv',
  'python3-pip',
  'python3-flask',
  'python3-django',
  'gunicorn',
  'python3-gunicorn',
  'nginx',
  'logrotate',
  'curl',
  'sqlite3',
  'iproute2',
  'procps',
  'ca-certificates',
  ...EDGE_PACKAGES,
  ...APP_STACK_PACKAGES
];

/** A fresh cloud image: whatever the deploy needs beyond this, it has to install itself. */
export const BARE_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'libpam-systemd',
  'openssh-server',
  'sudo',
  'python3',
  'curl',
  'ca-certificates'
];

export const APT_INSTALL_HINT =
  'apt-get install -y debootstrap systemd-container iptables iproute2 openssh-client';

/** The guest network: 10.213.K.0/24 per server, so one /16 covers all of them for NAT. */
export const NET_PREFIX = '10.213';
export const NET_CIDR = `${NET_PREFIX}.0.0/16`;
export const MAX_SLOT = 250;

export const SERVER_USER = 'deploy';
export const SSH_PORT = 22;

export function packagesFor(bare: boolean): readonly string[] {
  return bare ? BARE_PACKAGES : READY_PACKAGES;
}

/** What debootstrap installs itself; the rest of packagesFor() goes in with apt in the new tree. */
export function debootstrapPackages(bare: boolean): readonly string[] {
  return packagesFor(bare).filter((p) => !EDGE_PACKAGES.includes(p) && !APP_STACK_PACKAGES.includes(p));
}

/** Changing the suite, the package list or the setup yields a new directory, never a stale tree. */
export function rootfsKey(
  suite: string,
  bare: boolean,
  packages: readonly string[] = packagesFor(bare)
): string {
  const hash = createHash('sha256')
    .update([HARNESS_VERSION, suite, [...packages].join(',')].join('\n'))
    .digest('hex')
    .slice(0, 12);
  return `${suite}-${bare ? 'bare' : 'ready'}-${hash}`;
}

const NAME_RE = /^[a-z][a-z0-9-]{0,15}$/;

/** Names end up in netns names, cgroup dirs and paths: keep them boring. */
export function validateName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw new Error(
      `invalid sandbox name ${JSON.stringify(name)}: use a lowercase letter then up to 15 of [a-z0-9-]`
    );
  }
  return name;
}

export function isSuite(s: string): s is Suite {
  return (SUITES as readonly string[]).includes(s);
}

export function slotAddresses(slot: number): { host: string; guest: string; cidr: string } {
  if (!Number.isInteger(slot) || slot < 1 || slot > MAX_SLOT) throw new Error(`slot out of range: ${slot}`);
  return {
    host: `${NET_PREFIX}.${slot}.1`,
    guest: `${NET_PREFIX}.${slot}.2`,
    cidr: `${NET_PREFIX}.${slot}.0/24`
  };
}

/** Host-side veth: interface names are limited to 15 characters, so it is named by slot, not name. */
export function vethName(slot: number): string {
  return `gd-ve${slot}`;
}

export function netnsName(name: string): string {
  return `gd-${name}`;
}

export interface SandboxPaths {
  /** Records, pid files, console logs, the client key: small and gone after a host reboot, like the servers. */
  state: string;
  /** Overlay upper/work dirs: servers install packages, so this must be disk, not tmpfs. */
  disk: string;
  /** Built templates, kept across reboots. */
  cache: string;
}

export function sandboxPaths(env: NodeJS.ProcessEnv = process.env): SandboxPaths {
  return {
    state: env.GUNICORN_DEPLOY_SANDBOX_DIR || '/run/gunicorn-deploy/sandbox',
    disk: env.GUNICORN_DEPLOY_SANDBOX_DISK_DIR || '/var/lib/gunicorn-deploy/sandbox',
    cache: env.GUNICORN_DEPLOY_ROOTFS_DIR || '/var/cache/gunicorn-deploy/rootfs'
  };
}

export function serverStateDir(paths: SandboxPaths, name: string): string {
  return path.join(paths.state, 'servers', name);
}

export function serverDiskDir(paths: SandboxPaths, name: string): string {
  return path.join(paths.disk, name);
}
