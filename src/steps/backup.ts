import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { rootRead } from '../deploy/root-read.js';
import type { StepOutcome } from './step.js';
import type { QueuedRequest } from '../ssh/types.js';
import { pgBackup, pgBackupRequest } from './pg-backup.js';

/**
 * SQLite's online backup, never cp: a copy of a live (WAL) database can be corrupt or miss
 * tables. The copy is checked before it counts, and only the newest backups-keep are kept.
 */
export function backupScript(ctx: DeployContext, release: string): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  const q = shQuote;
  const db = `${p.shared}/${d.sqliteDb}`;
  const base = path.posix.basename(d.sqliteDb);
  const out = `${p.backups}/${base}-${release}.db`;
  const tmp = `${p.shared}/.backup-${release}.db`;
  // As the app's user, never root: a root sqlite3 that opens the live WAL database while no worker
  // has it open creates its -wal/-shm files owned by root, and until it closes them every worker
  // fails to open the database (the deploy benchmark saw /health answer 503 for that moment).
  return `
if [ ! -f ${q(db)} ]; then echo "skipped=no database at ${d.sqliteDb} yet"; exit 0; fi
rm -f ${q(tmp)}
runuser -u ${q(p.user)} -- sqlite3 -cmd '.timeout 15000' ${q(db)} ${q(`.backup '${tmp}'`)}
# The copy was made in shared/, which the app owns: root reads it once, never through a link
# (a regular file of the app's user with one link), into backups/, which only root writes.
rm -f ${q(out)}
${rootRead('copy', q(p.shared), q(path.posix.basename(tmp)), q(p.user), q(out), 'raw', '640', 'db')} || { runuser -u ${q(p.user)} -- rm -f ${q(tmp)}; echo "the backup is not a regular file of ${p.user}" >&2; exit 4; }
runuser -u ${q(p.user)} -- rm -f ${q(tmp)}
chgrp ${q(p.user)} ${q(out)}
check=$(runuser -u ${q(p.user)} -- sqlite3 -readonly ${q(out)} 'PRAGMA integrity_check')
if [ "$check" != ok ]; then echo "integrity_check of the backup: $check" >&2; mv ${q(out)} ${q(out + '.corrupt')}; exit 4; fi
ls -1t ${q(p.backups)}/${q(base)}-*.db | tail -n +${d.backupsKeep + 1} | xargs -r rm -f --
echo "backup=${out}"
echo "size=$(stat -c %s ${q(out)})"
`;
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
