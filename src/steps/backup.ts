import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { rootReadProgram } from '../deploy/root-read.js';
import { serverScript } from '../render/scripts.js';
import type { StepOutcome } from './step.js';
import type { QueuedRequest } from '../ssh/types.js';
import { pgBackup, pgBackupRequest } from './pg-backup.js';

/**
 * SQLite's online backup, never cp: a copy of a live (WAL) database can be corrupt or miss
 * tables. The copy is checked before it counts, and only the newest backups-keep are kept.
 * The script is templates/scripts/backup.sh.
 */
export function backupScript(ctx: DeployContext, release: string): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const base = path.posix.basename(d.sqliteDb);
  return serverScript('backup', {
    db: `${p.shared}/${d.sqliteDb}`,
    sqlite_db: d.sqliteDb,
    tmp: `${p.shared}/.backup-${release}.db`,
    out: `${p.backups}/${base}-${release}.db`,
    user: p.user,
    shared: p.shared,
    backups: p.backups,
    base,
    keep: d.backupsKeep,
    root_read: rootReadProgram()
  });
}

const BACKUP_TIMEOUT_MS = 30 * 60_000;

/** The backup as a request to queue (none without sqlite-db); backupDatabase then takes its answer. */
export function backupRequest(ctx: DeployContext, release: string): QueuedRequest[] {
  if (ctx.settings.database.kind === 'postgres') return pgBackupRequest(ctx, release);
  if (!ctx.settings.deploy.sqliteDb) return [];
  return [{ text: backupScript(ctx, release), opts: { sudo: true, timeoutMs: BACKUP_TIMEOUT_MS } }];
}

export async function backupDatabase(ctx: DeployContext, release: string): Promise<StepOutcome> {
  if (ctx.settings.database.kind === 'postgres') return pgBackup(ctx, release);
  if (!ctx.settings.deploy.sqliteDb) return { changed: false, detail: 'no sqlite-db set' };
  const res = await runScript(ctx, 'backing up the database', backupScript(ctx, release), {
    timeoutMs: BACKUP_TIMEOUT_MS,
    hint: 'Nothing was switched. Check the database and the free disk space on the server.'
  });
  const f = parseFacts(res.stdout);
  if (f.skipped) return { changed: false, detail: f.skipped };
  ctx.facts.backup = f.backup ?? '';
  return { detail: `${f.backup} (${f.size} bytes, integrity ok)`, ms: res.serverMs };
}
