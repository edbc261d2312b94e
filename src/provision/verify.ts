import type { DeployContext } from '../deploy/context.js';
import { formatTable } from '../report.js';
import { serverProgram, serverScript } from '../render/scripts.js';
import { DeployError, type StepOutcome } from '../steps/step.js';
import { timerUnits } from './timers.js';
import { healthHost } from '../deploy/health.js';
import { pgVerifyFunctions } from './pg-verify.js';
import { fail2banVerifyFunctions } from './fail2ban.js';
import { databaseSeenPath } from '../deploy/remembered.js';
import { appRunWords, commandWordsValue } from '../deploy/app-run.js';

/** The checklist, in the order it is printed; also the summary's columns. */
export const VERIFY_KEYS = [
  'service',
  'socket',
  'health-socket',
  'health-nginx',
  'debug',
  'django-check',
  'nginx-config',
  'tls',
  'fail2ban',
  'logrotate',
  'database',
  'database-backup',
  'timers',
  'disk-free',
  'memory'
];

/** Below this share of free disk a server is red (the seed's checklist). */
const MIN_DISK_FREE = 20;
/** Memory is red only when nearly all of it is in use: a busy server is not a broken one. */
const MAX_MEMORY_USED = 95;

export interface Check {
  name: string;
  /** warn: worth knowing, not a failure (a first provision's database not created yet). */
  state: 'ok' | 'red' | 'warn' | 'n/a';
  detail: string;
}

/**
 * One read-only script (templates/scripts/verify_checklist.sh): each probe prints
 * `check=NAME|ok|red|n/a|DETAIL` and never stops the others, so one broken piece is named instead
 * of hiding the rest. The app's own debug answer is read from the WSGI object as the service loads
 * it (templates/scripts/framework_debug.py, as its user, with its venv and environment): Flask's
 * app.debug, Django's settings.DEBUG; a health JSON without a debug field no longer passes on
 * FLASK_DEBUG=0 alone. Django's `manage.py check --deploy` warnings are shown, only its errors red.
 */
export function verifyChecklistScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const postgres = ctx.settings.database.kind === 'postgres';
  return (
    serverScript('app_run', {}) +
    (postgres ? pgVerifyFunctions(ctx) : '') +
    fail2banVerifyFunctions(ctx) +
    serverScript('verify_checklist', {
      svc: p.units.service.name,
      sock: p.units.socket.name,
      sockpath: p.socket,
      hp: d.healthPath,
      // The Host of every health request, through nginx too: health-host, else the first server name.
      health_host: healthHost(ctx.settings),
      current: p.current,
      // The app's user in the serving release, with its venv: app_run.sh's as_app runs these words.
      app_run_in_current: commandWordsValue(
        appRunWords(p, { cwd: p.current, envFile: p.envFile, venv: `${p.current}/.venv` })
      ),
      env_file: p.envFile,
      wsgi_app: d.wsgiApp,
      framework_py: serverProgram('framework_debug'),
      nginx_site: p.nginxSite,
      logrotate: p.logrotate,
      log_dir: p.logDir,
      db_kind: ctx.settings.database.kind,
      db: d.sqliteDb ? `${p.shared}/${d.sqliteDb}` : '',
      db_seen: databaseSeenPath(ctx),
      backups: p.backups,
      app_user: p.user,
      timers: timerUnits(p)
        .map((u) => u.timer.name)
        .join('\n'),
      app_dir: p.dir,
      min_disk_free: MIN_DISK_FREE,
      max_memory_used: MAX_MEMORY_USED
    })
  );
}

export function parseChecks(stdout: string): Check[] {
  const out: Check[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^check=([a-z0-9-]+)\|(ok|red|warn|n\/a)\|(.*)$/.exec(line);
    if (m) out.push({ name: m[1]!, state: m[2] as Check['state'], detail: m[3]! });
  }
  return out;
}

export function checksTable(checks: Check[]): string {
  return formatTable(
    ['check', 'result', 'detail'],
    checks.map((c) => [c.name, c.state === 'red' ? 'RED' : c.state === 'warn' ? 'WARN' : c.state, c.detail])
  );
}

/**
 * Runs the checklist, prints its table, puts each check in the host's facts (the summary's
 * table) and fails naming every red check.
 */
export async function verifyChecklist(ctx: DeployContext): Promise<StepOutcome & { checks: Check[] }> {
  const res = await ctx.remote.script(verifyChecklistScript(ctx), { sudo: true, timeoutMs: 120_000 });
  const checks = parseChecks(res.stdout);
  if (checks.length === 0) {
    throw new DeployError(
      `the verify checklist did not run (exit ${res.code}): ${res.stderr.trim().slice(0, 500)}`,
      'Check that the SSH user can run sudo without a password.'
    );
  }
  ctx.logger.info(checksTable(checks));
  for (const c of checks)
    ctx.facts[c.name] =
      c.state === 'ok'
        ? 'ok'
        : c.state === 'red'
          ? `RED: ${c.detail}`
          : c.state === 'warn'
            ? `WARN: ${c.detail}`
            : 'n/a';
  for (const c of checks.filter((c) => c.state === 'warn'))
    ctx.logger.warning(`${ctx.label}: ${c.name}: ${c.detail}`);
  const red = checks.filter((c) => c.state === 'red');
  if (red.length > 0) {
    throw new DeployError(
      `verify: ${red.length} check${red.length === 1 ? '' : 's'} red: ${red.map((c) => `${c.name} (${c.detail})`).join('; ')}`,
      'Fix what is named (ssh in; systemctl status and journalctl -u say more) and run mode verify again, or run mode provision to repair the setup.'
    );
  }
  return { changed: false, detail: `all ${checks.filter((c) => c.state === 'ok').length} checks ok`, checks };
}
