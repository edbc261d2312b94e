import type { StepInfo } from './step-info.js';

/**
 * Provision's own steps, remove's and alert-test's (in the catalog's order: catalog.ts joins the
 * parts).
 */
export const PROVISION_STEPS = {
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
  }
} as const satisfies Record<string, StepInfo>;
