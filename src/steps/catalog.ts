import type { SectionKey } from '../troubleshooting.js';
import type { Mode as RunMode } from '../mode-names.js';

/**
 * Every step of every mode, by the name it has in the log, the summary and the report: the README
 * Troubleshooting section its failures point to (when it fails in a deploy; provision, rollback,
 * run, restore and backups point to their own mode's section) and what it does. A step is named
 * through this catalog (step() takes a StepName), so a typo fails tsc; troubleshooting.ts, the
 * README's step tables and the lifecycle test's order derive from it (tests keep them in step).
 */
export interface StepInfo {
  /** The modes that run it (deploy's steps also run in provision's first deploy). */
  modes: readonly Mode[];
  section: SectionKey;
  /** One line for the README's table. */
  what: string;
}

/** A run's mode (settings' MODES), or every mode. */
type Mode = 'all' | RunMode;

export const STEPS = {
  connect: {
    modes: ['all'],
    section: 'connect',
    what: 'the SSH connection, the host key verified'
  },
  preflight: {
    modes: ['preflight', 'provision'],
    section: 'server',
    what: 'what the server has and lacks (sudo, systemd, python3, packages, the name, disk space)'
  },
  lock: {
    modes: ['deploy', 'provision', 'rollback', 'restore', 'run', 'remove'],
    section: 'server',
    what: 'one deploy per app per server, after the name and disk checks'
  },
  layout: {
    modes: ['deploy'],
    section: 'server',
    what: "the app's users, folders and /etc/APP"
  },
  upload: {
    modes: ['deploy'],
    section: 'build',
    what: 'the release: what changed since the serving one, or the whole tree'
  },
  venv: {
    modes: ['deploy'],
    section: 'build',
    what: 'the virtualenv venvs/HASH, reused or built'
  },
  config: {
    modes: ['deploy'],
    section: 'build',
    what: 'the units, Gunicorn config and env file, rendered and staged'
  },
  build: {
    modes: ['deploy'],
    section: 'build',
    what: 'the build commands (with `build`), in the new release'
  },
  backup: {
    modes: ['deploy', 'remove'],
    section: 'build',
    what: "an online backup of the SQLite database (or a pg_dump of PostgreSQL's), checked"
  },
  'download backup': {
    modes: ['deploy', 'backups'],
    section: 'build',
    what: 'a backup copied to the runner and checked there'
  },
  check: {
    modes: ['deploy'],
    section: 'build',
    what: 'the new release imported as the service would'
  },
  'pre-activate': {
    modes: ['deploy'],
    section: 'build',
    what: 'your migrations, in the new release'
  },
  candidate: {
    modes: ['deploy', 'rollback'],
    section: 'candidate',
    what: 'the release booted on a private socket and asked for health-path and smoke-paths'
  },
  'release phase': {
    modes: ['deploy'],
    section: 'build',
    what: 'release-command (or the Procfile release:), once per deploy on the first server, before any switch'
  },
  units: {
    modes: ['deploy', 'rollback'],
    section: 'live',
    what: "the changed config files put in place (rollback: the target's own unit and Gunicorn config, or the serving one's put back)"
  },
  switch: {
    modes: ['deploy', 'rollback'],
    section: 'live',
    what: '`current` flipped; Gunicorn reloaded, restarted or started'
  },
  verify: {
    modes: ['deploy', 'rollback', 'restore', 'verify'],
    section: 'live',
    what: 'new workers in the new release answer health-path through the live socket'
  },
  processes: {
    modes: ['deploy', 'rollback'],
    section: 'live',
    what: "the app's other processes (Procfile) moved onto the release and proven up for process-settle"
  },
  'post-activate': {
    modes: ['deploy'],
    section: 'live',
    what: 'your commands after the release is live'
  },
  prune: {
    modes: ['deploy'],
    section: 'live',
    what: 'old releases and venvs removed; the history line written'
  },
  rollback: {
    modes: ['deploy'],
    section: 'live',
    what: 'the previous release put back and proven healthy'
  },
  'check backup': {
    modes: ['deploy', 'rollback', 'restore'],
    section: 'live',
    what: 'the backup to restore staged and checked (PRAGMA integrity_check)'
  },
  'restore database': {
    modes: ['deploy', 'rollback'],
    section: 'live',
    what: 'with rollback-restore-database: the backup before the migration put back'
  },
  'verify restored database': {
    modes: ['deploy', 'rollback'],
    section: 'live',
    what: 'the app proven healthy on the restored database'
  },
  'put back': {
    modes: ['deploy', 'rollback', 'restore'],
    section: 'live',
    what: 'the database as it was before the restore put back'
  },
  packages: {
    modes: ['provision'],
    section: 'provision',
    what: 'the Debian packages the app and the tool need'
  },
  user: {
    modes: ['provision'],
    section: 'provision',
    what: "the app's users and folders"
  },
  postgresql: {
    modes: ['provision'],
    section: 'provision',
    what: "with database: postgres: the cluster running, the app's role (peer authentication), its database, the daily pg_dump timer"
  },
  'import-database': {
    modes: ['provision'],
    section: 'provision',
    what: 'with import-database: a database file put in place before the app first starts'
  },
  nginx: {
    modes: ['provision'],
    section: 'provision',
    what: 'the nginx site, tested with nginx -t before nginx reloads'
  },
  tls: {
    modes: ['provision'],
    section: 'provision',
    what: 'with tls: acme or files: the certificate (certbot through HTTP-01, or the given pair), HTTPS'
  },
  logrotate: {
    modes: ['provision'],
    section: 'provision',
    what: 'the logrotate rules, checked with logrotate -d'
  },
  alerts: {
    modes: ['provision'],
    section: 'provision',
    what: 'with alert-webhook: the webhook URL (root only) and the sender the server alerts through'
  },
  services: {
    modes: ['provision'],
    section: 'provision',
    what: "with services: Debian's redis-server on a unix socket only, the app's user let in"
  },
  timers: {
    modes: ['provision'],
    section: 'provision',
    what: 'the health check and daily database backup timers'
  },
  metrics: {
    modes: ['provision'],
    section: 'provision',
    what: "with metrics: node-exporter at metrics-listen and the 15 s timer writing the app's Prometheus text file"
  },
  firewall: {
    modes: ['provision', 'remove'],
    section: 'provision',
    what: "the server's nftables table rebuilt from every app's ports (firewall: true), reverted unless a new SSH login confirms it"
  },
  fail2ban: {
    modes: ['provision', 'remove'],
    section: 'provision',
    what: "fail2ban (fail2ban: true): the server's sshd jail from every app's request and the app's rate-limit jail, or removed"
  },
  'remove app': {
    modes: ['remove'],
    section: 'provision',
    what: "the app's site (nginx -t first), timers, units, config and, with remove-certificate, its certificate"
  },
  'alert test': {
    modes: ['alert-test'],
    section: 'provision',
    what: "one alert (event test) through the server's alert script to alert-webhook, waited for"
  },
  'remove files': {
    modes: ['remove'],
    section: 'provision',
    what: "the app's users, releases and venvs; its data and logs only with remove-data (else kept, root-only)"
  },
  release: {
    modes: ['provision'],
    section: 'provision',
    what: 'whether the source needs a deploy (then the deploy steps run)'
  },
  checklist: {
    modes: ['provision'],
    section: 'provision',
    what: 'the verify checklist'
  },
  'find release': {
    modes: ['rollback'],
    section: 'rollback',
    what: 'the newest release proven live other than the current one, or rollback-to'
  },
  'rollback-command': {
    modes: ['rollback'],
    section: 'rollback',
    what: 'when the release left changed the schema: its rollback-command in it (the downgrade), before the older release boots'
  },
  'redo migration': {
    modes: ['rollback'],
    section: 'rollback',
    what: 'after a rollback that failed once the downgrade ran: the release kept serving runs its pre-activate again'
  },
  restore: {
    modes: ['rollback', 'restore'],
    section: 'rollback',
    what: 'rollback: the release that served put back; restore: the backup swapped in'
  },
  'verify restored': {
    modes: ['rollback'],
    section: 'rollback',
    what: 'the release put back proven healthy'
  },
  'verify put back': {
    modes: ['restore'],
    section: 'data',
    what: 'the app proven healthy on the database put back'
  },
  'list backups': {
    modes: ['backups'],
    section: 'data',
    what: 'the database backups on the server'
  },
  run: {
    modes: ['run'],
    section: 'run',
    what: 'the command, in the serving release with its venv and environment'
  },
  'load check': {
    modes: ['loadtest', 'verify'],
    section: 'load',
    what: 'wrk on the server through nginx at each load-clients level, judged by the load-* thresholds'
  },
  status: {
    modes: ['status'],
    section: 'operate',
    what: 'what serves and how it is doing, read in one round trip (changes nothing)'
  },
  logs: {
    modes: ['logs'],
    section: 'operate',
    what: "the app's journal, Gunicorn's error log and nginx's access log, each line prefixed (changes nothing)"
  },
  maintenance: {
    modes: ['maintenance'],
    section: 'operate',
    what: "nginx's maintenance drop-in put in place or removed, tested with nginx -t, nginx reloaded when it changed"
  }
} as const satisfies Record<string, StepInfo>;

export type StepName = keyof typeof STEPS;

export const STEP_NAMES = Object.keys(STEPS) as StepName[];

export function isStepName(name: string): name is StepName {
  return Object.hasOwn(STEPS, name);
}

/** The steps of a mode (those of every mode included), in the catalog's order. */
export function stepsOf(mode: Exclude<Mode, 'all'>): StepName[] {
  return STEP_NAMES.filter((n) => {
    const modes: readonly Mode[] = STEPS[n].modes;
    return modes.includes(mode) || modes.includes('all');
  });
}
