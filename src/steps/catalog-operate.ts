import type { StepInfo } from './step-info.js';

/**
 * The steps of rollback, restore, backups, run, loadtest, status, logs and maintenance (in the
 * catalog's order: catalog.ts joins the parts).
 */
export const OPERATE_STEPS = {
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
