import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { PSQL_AS_POSTGRES } from '../provision/postgres.js';
import { backupIdProblem } from '../rules.js';
import { serverScript } from '../render/scripts.js';
import { PG_DUMP_SUFFIX } from './pg-backup.js';
import { ChangedSinceError, CHANGED, CORRUPT, NOT_FOUND, PUT_BACK } from './restore-codes.js';
import { DeployError, type StepOutcome } from './step.js';

/**
 * `mode: restore` and rollback-restore-database for the local PostgreSQL. The dump is restored
 * into a fresh database first, while the old one still serves (a dump that does not restore
 * changes nothing); then, with the service stopped and its socket holding requests, the two are
 * swapped by renaming them in one transaction, and the service starts again. The database as it
 * was is kept under its own name until the app is proven healthy (put back by renaming again),
 * and as a safety dump in the backups folder. Names: psql variables only, never SQL text.
 */
function names(ctx: DeployContext): { role: string; db: string; fresh: string; old: string; failed: string } {
  const db = ctx.settings.database.name;
  // At most 63 bytes, as PostgreSQL keeps them (a longer one would be cut, silently).
  const base = db.slice(0, 50);
  return {
    role: ctx.paths.user,
    db,
    fresh: `${base}__gd_fresh`,
    old: `${base}__gd_old`,
    failed: `${base}__gd_failed`
  };
}

/** Where the swap notes its safety dump: cleanup drops the old database only when it exists. */
function marker(ctx: DeployContext): string {
  return `/run/gunicorn-deploy-${ctx.paths.app}.pg-safety`;
}

/** pg_root (psql as postgres), then templates/scripts/pg_prelude.sh: pgv with the names as variables, kick. */
function prelude(ctx: DeployContext): string {
  const n = names(ctx);
  return `${PSQL_AS_POSTGRES}${serverScript('pg_prelude', {
    role: n.role,
    db: n.db,
    fresh: n.fresh,
    old: n.old,
    failed: n.failed
  })}`;
}

/** Part one: the dump found and listed, restored into the fresh database; nothing live changed. */
export function pgStageScript(ctx: DeployContext, id: string): string {
  return `${prelude(ctx)}${serverScript('pg_restore_stage', {
    backups: ctx.paths.backups,
    id: id === 'latest' ? '' : id,
    latest: id === 'latest' ? 1 : 0,
    suffix: PG_DUMP_SUFFIX,
    not_found: NOT_FOUND,
    corrupt: CORRUPT
  })}`;
}

/**
 * Part two, requests held: the service stops, leftover sessions end, (for a rollback) the WAL
 * position must still be the one after the migration, the databases are swapped in one
 * transaction, the service starts; then the old one is dumped as the safety copy.
 */
export function pgSwapScript(ctx: DeployContext, expectLsn?: string): string {
  const p = ctx.paths;
  return `${prelude(ctx)}${serverScript('pg_restore_swap', {
    socket: p.units.socket.name,
    service: p.units.service.name,
    expect_lsn: expectLsn ?? '',
    safety_prefix: `${p.backups}/${names(ctx).db}-safety-`,
    suffix: PG_DUMP_SUFFIX,
    user: p.user,
    marker: marker(ctx),
    current: p.current,
    changed: CHANGED,
    put_back_code: PUT_BACK
  })}`;
}

/** The restored database failed the health proof: the old one back, by name, requests held. */
export function pgPutBackScript(ctx: DeployContext): string {
  return `${prelude(ctx)}${serverScript('pg_restore_put_back', { service: ctx.paths.units.service.name })}`;
}

/**
 * After the restore (proven, put back or failed): the fresh and failed copies go; the old database
 * only when its safety dump was made and is still there (else it stays, the only copy of the data).
 */
export function pgCleanupCommand(ctx: DeployContext): string {
  // A subshell: its trap and exits end only itself.
  return `(${prelude(ctx)}${serverScript('pg_restore_cleanup', { marker: marker(ctx) })})`;
}

export async function pgStageRestore(ctx: DeployContext, id: string): Promise<StepOutcome & { id: string }> {
  if (ctx.settings.database.external)
    throw new DeployError(
      'mode restore puts dumps back into the local PostgreSQL only; nothing was changed',
      'For an external database-url, download the dump (download-backup) and restore it with pg_restore into a new database of your managed server, then point the app at it.'
    );
  const bad = id === 'latest' ? undefined : backupIdProblem(id);
  if (bad) throw new DeployError(`backup ${bad}`, 'mode backups lists the backups on the server.');
  const res = await ctx.remote.script(pgStageScript(ctx, id), { sudo: true, timeoutMs: 60 * 60_000 });
  const err = res.stderr.trim().split('\n').at(-1) ?? '';
  if (res.code === NOT_FOUND)
    throw new DeployError(`${err}; nothing was changed`, 'Run mode backups to see them.');
  if (res.code === CORRUPT)
    throw new DeployError(
      `${err}; nothing was changed, the database is as it was`,
      'Pick another backup (mode backups lists them).'
    );
  if (res.code !== 0)
    throw new DeployError(`staging the dump failed (exit ${res.code}): ${err}; nothing was changed`);
  const f = parseFacts(res.stdout);
  return { id: f.id ?? id, detail: `${f.id} (${f.size} bytes) restored into a fresh database` };
}

/** Milliseconds between two date +%s%N stamps of a script. */
const ms = (from?: string, to?: string): number => Math.round((Number(to ?? 0) - Number(from ?? 0)) / 1e6);

export async function pgSwapDatabase(
  ctx: DeployContext,
  expectLsn?: string
): Promise<StepOutcome & { safety: string; current: string; stoppedAt: number }> {
  const res = await ctx.remote.script(pgSwapScript(ctx, expectLsn), { sudo: true, timeoutMs: 60 * 60_000 });
  const f = parseFacts(res.stdout);
  if (f.warning) ctx.logger.warning(f.warning);
  if (res.code === CHANGED)
    throw new ChangedSinceError(
      `the database was written to since pre-activate finished (WAL since ${expectLsn}: ${f.changed} record(s) changing its rows): restoring the dump would lose that write, so it was not restored and the data is kept`
    );
  if (res.code !== 0) {
    const tail = res.stderr.trim().split('\n').slice(-3).join('\n');
    throw new DeployError(`the restore failed (exit ${res.code}), the database is as it was: ${tail}`);
  }
  return {
    safety: f.safety ?? '',
    current: f.current ?? '',
    stoppedAt: Number(f.stopped_ns ?? 0) / 1e6,
    detail: `swapped in (service stopped ${ms(f.stopped_ns, f.swapped_ns)} ms, started in ${ms(f.swapped_ns, f.started_ns)} ms); the database before: ${f.safety}`
  };
}

/**
 * What a rollback compares: the WAL position that pre-activate's writes are flushed to. At the
 * rollback, with the service stopped, pg_waldump reads the WAL written since and counts the records
 * that change rows of the app's database (Heap inserts, updates, deletes and locks, Heap2
 * multi-inserts, sequences, by that database's OID); what does not change its data is left out
 * (checkpoints, other databases, readers pruning pages and setting hint bits, vacuum's in-place
 * catalog updates). An aborted write or an autovacuum ANALYZE counts too: the rollback then
 * refuses, never loses a write. pg_stat_database's tup_* counters were not used: a backend
 * reports them up to a second or more after its commit, so a fresh write could be missed; a
 * trigger would be the tool's code in the app's schema. Local server only: the WAL of an external
 * one is out of reach.
 */
export async function pgFingerprint(ctx: DeployContext): Promise<string> {
  if (ctx.settings.database.external) return '';
  const res = await ctx.remote.script(`${PSQL_AS_POSTGRES}${serverScript('pg_lsn', {})}`, {
    sudo: true,
    timeoutMs: 60_000
  });
  const lsn = parseFacts(res.stdout).lsn ?? '';
  return res.code === 0 && /^[0-9A-F]+\/[0-9A-F]+$/.test(lsn) ? lsn : '';
}
