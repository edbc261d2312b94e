import type { DeployContext } from '../deploy/context.js';
import { SCRIPT_DIR } from '../deploy/paths.js';
import { renderTemplate, type ServerFile, type TemplateVars } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { pgPassLine, PG_DUMP_SUFFIX } from '../steps/pg-backup.js';
import { writeFilesScript } from './shell.js';

/** The daily dump's files: a root script, its oneshot service and the timer. */
export function pgTimerPaths(app: string): { script: string; service: string; timer: string; unit: string } {
  return {
    script: `${SCRIPT_DIR}/${app}-pg-dump`,
    unit: `${app}-pg-dump`,
    service: `/etc/systemd/system/${app}-pg-dump.service`,
    timer: `/etc/systemd/system/${app}-pg-dump.timer`
  };
}

/** The external server's password file: root's alone, read by the daily dump. */
export function pgPassFile(ctx: DeployContext): string {
  return `${ctx.paths.etc}/pgpass`;
}

/**
 * The daily pg_dump of database: postgres, as root (the backups folder is root's; the dump comes
 * from postgres, or from the external server through the root-only password file, by a pipe),
 * checked with pg_restore --list, named DB-daily-STAMP.dump; those older than backups-days go.
 * The script and its units are templates/pg-dump.sh.hbs and templates/systemd/pg-dump.*.hbs.
 */
export function pgTimerFiles(ctx: DeployContext): ServerFile[] {
  const t = pgTimerPaths(ctx.paths.app);
  const p = ctx.paths;
  const db = ctx.settings.database;
  const u = db.external;
  const days = ctx.settings.provision.backupsDays;
  const vars = {
    app: p.app,
    user: p.user,
    backups: p.backups,
    backupsDays: days,
    minutes: days * 1440,
    script: t.script,
    dbName: db.name,
    dumpSuffix: PG_DUMP_SUFFIX,
    dumpGlob: `${db.name}-daily-*${PG_DUMP_SUFFIX}`,
    external: Boolean(u),
    passFile: pgPassFile(ctx),
    pgHost: u?.host ?? '',
    pgPort: String(u?.port ?? ''),
    pgUser: u?.user ?? '',
    pgDbname: u?.dbname ?? ''
  } as unknown as TemplateVars;
  const file = (path: string, name: string, mode = '0644'): ServerFile => ({
    path,
    content: renderTemplate(name, vars),
    mode,
    owner: 'root:root'
  });
  return [
    file(t.script, 'pg-dump.sh', '0755'),
    file(t.service, 'systemd/pg-dump.service'),
    file(t.timer, 'systemd/pg-dump.timer')
  ];
}

/**
 * Installs the daily dump (files written only when they differ) and, for an external server, its
 * root-only password file from stdin (templates/scripts/pg_timer.sh).
 */
export function pgTimerScript(ctx: DeployContext): string {
  const t = pgTimerPaths(ctx.paths.app);
  return (
    serverScript('pg_timer', { external: ctx.settings.database.external ? 1 : 0, pass: pgPassFile(ctx) }) +
    writeFilesScript(pgTimerFiles(ctx)) +
    serverScript('units_on', { units_on: `${t.unit}.timer` })
  );
}

/** pgTimerScript's stdin: the password file's line (external server) first, then the files. */
export function pgTimerInput(ctx: DeployContext, files: string): string {
  const u = ctx.settings.database.external;
  return (u ? pgPassLine(u) : '') + files;
}
