import type { StepInfo } from './step-info.js';

/**
 * The deploy's steps, rollback's and restore's among them (in the catalog's order: catalog.ts joins
 * the parts).
 */
export const DEPLOY_STEPS = {
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
  }
} as const satisfies Record<string, StepInfo>;
