import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { verifyRelease } from './verify.js';
import { schemaChanged, schemaVersion } from '../deploy/migration-state.js';
import { recordHistory } from './history.js';
import { ChangedSinceError, cleanupCommand, putBackSafety, stageRestore, swapDatabase } from './restore.js';
import { errorMessage, step, type StepOutcome } from './step.js';
import { pgFingerprint } from './pg-restore.js';
import type { StepName } from './catalog.js';

/**
 * The database's content and schema as one hash (sqlite3's .sha3sum), taken as the app's user so
 * no -wal/-shm file ends up root's. Two equal hashes: no write happened in between.
 */
export async function fingerprintDatabase(ctx: DeployContext): Promise<string> {
  if (ctx.settings.database.kind === 'postgres') return pgFingerprint(ctx);
  const q = shQuote;
  const db = `${ctx.paths.shared}/${ctx.settings.deploy.sqliteDb}`;
  const res = await ctx.remote.script(
    `[ -f ${q(db)} ] || exit 0\necho "fingerprint=$(runuser -u ${q(ctx.paths.user)} -- sqlite3 -cmd '.timeout 15000' ${q(db)} '.sha3sum')"`,
    { sudo: true, timeoutMs: 30 * 60_000 }
  );
  const f = parseFacts(res.stdout).fingerprint ?? '';
  return res.code === 0 && /^[0-9a-f]{16,}$/.test(f) ? f : '';
}

/** The command that puts the pre-deploy database back, for a human to run. */
export function restoreCommand(ctx: DeployContext, backupId: string): string {
  const host = ctx.settings.hosts.length > 1 ? ctx.label : ctx.settings.hosts.map((h) => h.host)[0];
  const db = ctx.settings.database;
  const pg =
    db.kind === 'postgres'
      ? ` --database postgres${db.name !== ctx.paths.app && !db.external ? ` --database-name ${db.name}` : ''}`
      : '';
  return `gunicorn-deploy restore --host ${shQuote(host ?? ctx.label)} --app-name ${shQuote(ctx.paths.app)}${pg} --backup ${shQuote(backupId)} (in a workflow: mode: restore, backup: ${backupId})`;
}

/**
 * A release failed after pre-activate ran: the old code serves again, maybe in front of the new
 * schema. Says so (log, summary, the restore command with the pre-deploy backup); with
 * rollback-restore-database, restores that backup, but only when the database is still exactly as
 * the migration left it (checked with the service stopped, so no write can slip in between).
 */
export async function afterMigrationRollback(
  ctx: DeployContext,
  failed: string,
  fingerprint: string,
  /** SQLite's schema_version before pre-activate ('' when unknown). */
  schemaBefore = ''
): Promise<void> {
  const backup = ctx.facts.backup ? path.posix.basename(ctx.facts.backup) : '';
  if (!backup) return;
  // Only when it may: a migration that failed (or had nothing to do) before changing the schema
  // left the database as the old code knows it.
  if (schemaBefore && !schemaChanged(schemaBefore, await schemaVersion(ctx))) {
    ctx.logger.info(
      `${ctx.label}: pre-activate of ${failed} left the database's schema as it was (schema_version ${schemaBefore}): the release serving knows it`
    );
    return;
  }
  const warning = `the database may hold the new schema: pre-activate (migrations) of ${failed} ran, and the release before it serves again. To put the pre-deploy database back: ${restoreCommand(ctx, backup)}`;
  ctx.facts['pre-deploy-backup'] = backup;
  if (!ctx.settings.deploy.rollbackRestoreDatabase) {
    ctx.facts['database-warning'] = warning;
    ctx.logger.warning(`${ctx.label}: ${warning}`);
    return;
  }
  const refuse = (why: string): void => {
    ctx.facts['database-restored'] = 'refused';
    ctx.facts['database-warning'] = `rollback-restore-database: not restored, ${why}. ${warning}`;
    ctx.logger.warning(`${ctx.label}: ${ctx.facts['database-warning']}`);
  };
  if (!fingerprint) {
    refuse(
      ctx.settings.database.external
        ? 'the database is external (database-url): its write-ahead log is out of reach, so nothing proves it was not written to'
        : 'pre-activate did not finish, so there is no proof of what it changed'
    );
    return;
  }
  const s = <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> =>
    step(ctx.logger, ctx.records, ctx.label, name, fn);
  try {
    await s('check backup', () => stageRestore(ctx, backup));
    const swapped = await s('restore database', () => swapDatabase(ctx, fingerprint));
    try {
      await s('verify restored database', () => verifyRelease(ctx, swapped.current, []));
    } catch (err) {
      await s('put back', () => putBackSafety(ctx));
      await verifyRelease(ctx, swapped.current, []);
      refuse(
        `the app was not healthy on the restored backup (${errorMessage(err).split('\n')[0]}); the migrated database was put back`
      );
      return;
    }
    ctx.facts['database-restored'] = 'true';
    ctx.logger.info(
      `${ctx.label}: rollback-restore-database: no write reached the database since the migration, so the pre-deploy backup ${backup} was restored (the migrated database is kept as ${swapped.safety})`
    );
    await recordHistory(ctx, {
      event: 'restore',
      backup,
      safety: swapped.safety,
      release: swapped.current,
      status: 'restored',
      why: `rollback of ${failed} after pre-activate`
    });
  } catch (err) {
    refuse(
      err instanceof ChangedSinceError
        ? err.message.split('\n')[0]!
        : `the restore failed: ${errorMessage(err).split('\n')[0]}`
    );
  } finally {
    await ctx.remote.script(cleanupCommand(ctx), { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
  }
}
