import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import type { PgUrl } from '../settings.js';
import { serverScript } from '../render/scripts.js';
import type { QueuedRequest } from '../ssh/types.js';
import { DeployError, type StepOutcome } from './step.js';
import { runsReleasePhase } from './release-phase.js';

/** The file name of a PostgreSQL dump: DBNAME-RELEASE.dump (or DBNAME-STAMP.dump, daily). */
export const PG_DUMP_SUFFIX = '.dump';

/** Exit code of pgBackupScript when pg_dump is older than the server. */
const MISMATCH = 7;

/**
 * database: postgres, and this switch needs its dump: it runs migrations (pre-activate here, or the
 * release phase, which runs on this host), or database-backup: always.
 */
export function pgBackupWanted(ctx: DeployContext): boolean {
  const db = ctx.settings.database;
  return (
    db.kind === 'postgres' &&
    (db.backupAlways || ctx.settings.deploy.preActivate !== '' || runsReleasePhase(ctx))
  );
}

/** One line of a libpq password file: `:` and `\` escaped, as libpq reads them. */
export function pgPassLine(u: PgUrl): string {
  const e = (s: string) => s.replace(/[\\:]/g, (c) => `\\${c}`);
  return `${e(u.host)}:${u.port}:${e(u.dbname)}:${e(u.user)}:${e(u.password)}\n`;
}

/** stdin of pgBackupScript: the password file's line, for an external server. */
export function pgClientInput(ctx: DeployContext): string | undefined {
  const u = ctx.settings.database.external;
  return u ? pgPassLine(u).replace(/\n$/, '') + '\n' : undefined;
}

/**
 * pg_dump --format=custom into the root-owned backups folder (the dump comes through a pipe: no
 * process of the app's or postgres's writes a file there), checked with pg_restore --list before
 * it counts, then handed to the app's group read-only like SQLite's; only the newest backups-keep
 * deploy dumps are kept (the daily timer's and the restores' safety dumps are not counted). A
 * client older than the server is named as such, with what to install. For an external server the
 * password comes on stdin into a root-only file in RAM (never a command line or the environment).
 * The script is templates/scripts/pg_backup.sh.
 */
export function pgBackupScript(ctx: DeployContext, release: string): string {
  const p = ctx.paths;
  const db = ctx.settings.database;
  const u = db.external;
  const name = db.name;
  return serverScript('pg_backup', {
    external: u ? 1 : 0,
    pgdb: u ? u.dbname : db.name,
    pghost: u?.host ?? '',
    pgport: u ? String(u.port) : '',
    pguser: u?.user ?? '',
    backups: p.backups,
    tmp: `${p.backups}/.${name}-${release}${PG_DUMP_SUFFIX}.tmp`,
    out: `${p.backups}/${name}-${release}${PG_DUMP_SUFFIX}`,
    user: p.user,
    name,
    suffix: PG_DUMP_SUFFIX,
    keep: ctx.settings.deploy.backupsKeep,
    mismatch_code: MISMATCH
  });
}

const BACKUP_TIMEOUT_MS = 30 * 60_000;

export function pgBackupRequest(ctx: DeployContext, release: string): QueuedRequest[] {
  // An external server's password travels on stdin, which a queued request does not carry.
  if (!pgBackupWanted(ctx) || ctx.settings.database.external) return [];
  return [{ text: pgBackupScript(ctx, release), opts: { sudo: true, timeoutMs: BACKUP_TIMEOUT_MS } }];
}

export async function pgBackup(ctx: DeployContext, release: string): Promise<StepOutcome> {
  if (!pgBackupWanted(ctx))
    return {
      changed: false,
      detail: 'no pre-activate (migrations) in this deploy; database-backup: always backs up every switch'
    };
  let res;
  try {
    res = await runScript(ctx, 'backing up the PostgreSQL database (pg_dump)', pgBackupScript(ctx, release), {
      timeoutMs: BACKUP_TIMEOUT_MS,
      stdin: pgClientInput(ctx),
      hint: 'Nothing was switched. Check that the database answers (pg_isready) and the free disk space on the server.'
    });
  } catch (err) {
    const m = /^mismatch=(.*)$/m.exec(err instanceof Error ? err.message : '');
    if (m || (err instanceof Error && err.message.includes(`(exit ${MISMATCH}`)))
      throw new DeployError(
        `pg_dump on the server is older than the PostgreSQL server (${m?.[1] || 'server version mismatch'}); nothing was switched`,
        "Install the server's major version of the client on the server (postgresql-client-NN, from apt.postgresql.org when Debian has none), then deploy again."
      );
    throw err;
  }
  const f = parseFacts(res.stdout);
  ctx.facts.backup = f.backup ?? '';
  return { detail: `${f.backup} (${f.size} bytes, pg_restore --list ok)`, ms: res.serverMs };
}
