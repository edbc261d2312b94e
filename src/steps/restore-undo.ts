import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError } from './step.js';
import { NOT_FOUND } from './restore-codes.js';

/**
 * `backup: undo`: the safety copy the last finished restore took, as recorded in a root-only file
 * (never "the newest backup", which a daily backup or a deploy taken since would be). Undoing runs
 * as a restore of that copy: it takes its own safety copy (so an undo can be undone in turn) and
 * drops whatever was written since the restore it undoes.
 */
export const UNDO = 'undo';

/** Root's record of the last restore: safety=ID, backup=ID, time=ISO (one a line). */
export function lastRestoreFile(ctx: DeployContext): string {
  return `${ctx.paths.etc}/last-restore`;
}

/** Shell that sets `name` to the last restore's safety copy and prints what the undo drops. */
export function undoResolveCommand(ctx: DeployContext): string {
  return serverScript('restore_undo', { last_restore: lastRestoreFile(ctx), not_found: NOT_FOUND });
}

/** Shell (root) that records a finished restore for a later `backup: undo`. */
export function recordRestoreCommand(ctx: DeployContext, backup: string, safety: string): string {
  const f = shQuote(lastRestoreFile(ctx));
  const dir = shQuote(ctx.paths.etc);
  const safe = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(safety) ? safety : 'none';
  return `install -d -m 0755 -o root -g root ${dir}
( umask 077; printf 'safety=%s\\nbackup=%s\\ntime=%s\\n' ${shQuote(safe)} ${shQuote(backup)} "$(date -u +%FT%TZ)" > ${f}.tmp ) && mv -f -- ${f}.tmp ${f}`;
}

/** What an undo says before it runs: what it goes back to, and what it drops. */
export function undoNotice(id: string, of: string | undefined, at: string | undefined): string {
  return `undoing the restore of ${of || 'a backup'} at ${at || 'an unknown time'}: the database goes back to its safety copy ${id}; every write since that restore is dropped (kept in this run's own safety copy)`;
}

export function refuseUndoOnPostgres(ctx: DeployContext): void {
  if (ctx.settings.database.kind === 'postgres')
    throw new DeployError(
      'backup: undo is not supported with database: postgres; nothing was changed',
      "Name the safety dump's id instead (mode backups lists it; the restore printed it as safety-backup)."
    );
}
