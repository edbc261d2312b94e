import * as path from 'node:path';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { backupIdProblem } from '../rules.js';
import { rootRead, rootReadProgram } from '../deploy/root-read.js';
import { serverScript } from '../render/scripts.js';
import { DeployError, type StepOutcome } from './step.js';
import { pgCleanupCommand, pgPutBackScript, pgStageRestore, pgSwapDatabase } from './pg-restore.js';
import { pgListScript } from './pg-backups.js';
import { UNDO, refuseUndoOnPostgres, undoNotice, undoResolveCommand } from './restore-undo.js';

/** database: postgres: the PostgreSQL steps in pg-*.ts instead of SQLite's below. */
const isPg = (ctx: DeployContext): boolean => ctx.settings.database.kind === 'postgres';

export { CHANGED, CORRUPT, NOT_FOUND, PUT_BACK, ChangedSinceError } from './restore-codes.js';
import { CHANGED, CORRUPT, NOT_FOUND, PUT_BACK, ChangedSinceError } from './restore-codes.js';

/** One backup file on the server, as `mode: backups` lists it. */
export interface BackupEntry {
  id: string;
  /** ISO time (UTC) of the file's last change: when the backup was taken. */
  time: string;
  size: number;
  /** The release whose deploy took it, or what else did (daily timer, safety copy of a restore). */
  takenBy: string;
  integrity: string;
  sha256?: string;
}

/** The names of the backups in the backups folder: the deploys' and safety copies, the daily timer's. */
export function backupPatterns(ctx: DeployContext): string[] {
  return [`${dbBase(ctx)}-*.db`, `${ctx.paths.app}-*.db.gz`];
}

/**
 * Every backup lives in APP-DIR/backups, which root owns and the app's user cannot write: one per
 * deploy (`DB-RELEASE.db`), the safety copies a restore takes (`DB-safety-STAMP.db`) and the daily
 * timer's gzipped `APP-STAMP.db.gz`. A backup's id is its file name.
 */
export function backupDirs(ctx: DeployContext): string[] {
  return [ctx.paths.backups];
}

function dbPath(ctx: DeployContext): string {
  return `${ctx.paths.shared}/${ctx.settings.deploy.sqliteDb}`;
}

function dbBase(ctx: DeployContext): string {
  return path.posix.basename(ctx.settings.deploy.sqliteDb);
}

/** A restore's work folder, inside the backups folder (root:APP 0750); `app/` in it is the app's. */
export function restoreWork(ctx: DeployContext): string {
  return `${ctx.paths.backups}/.restore`;
}

/**
 * Moves the daily backups left where the app could write them (shared/backups, before they moved)
 * into the backups folder: each read once without following a link, only a regular file of the
 * app's user with one link; anything else stays where it is, named on stderr.
 */
export function migrateBackupsCommand(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  return `${rootRead('move', q(p.legacyBackups), q(p.user), q(p.backups), q(`${p.app}-*.db.gz`))} >/dev/null || true`;
}

/**
 * Shell that sets `name` to the backup named by id ('latest': the newest regular root-owned
 * backup), or exits NOT_FOUND. Names are matched by pattern, never taken into a command line.
 */
function resolveCommand(ctx: DeployContext, id: string): string {
  if (id === UNDO) return undoResolveCommand(ctx);
  if (id === 'latest') {
    const [dbPattern, dailyPattern] = backupPatterns(ctx);
    return serverScript('restore_latest', {
      root_read: rootReadProgram(),
      backups: ctx.paths.backups,
      db_pattern: dbPattern!,
      daily_pattern: dailyPattern!,
      sqlite_db: ctx.settings.deploy.sqliteDb,
      not_found: NOT_FOUND
    });
  }
  return `name=${shQuote(id)}`;
}

/**
 * Lists every backup with its size, time, integrity and checksum, one tab-separated line each.
 * Each file is read once as a regular root-owned file (never a link or FIFO), copied (unpacked,
 * for a .gz: one that does not unpack completely is unreadable) into a private folder and checked
 * there by the app's user. The daily backups an older version kept in shared/ are moved in first.
 */
export function listScript(ctx: DeployContext): string {
  if (isPg(ctx)) return pgListScript(ctx);
  const q = shQuote;
  return `
${migrateBackupsCommand(ctx)}
${rootRead('list', q(ctx.paths.backups), 'root', q(ctx.paths.user), ...backupPatterns(ctx).map(q))}
`;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses listScript's lines; names the server printed that are not plain ids are left out. */
export function parseBackups(ctx: DeployContext, stdout: string): BackupEntry[] {
  const base = isPg(ctx) ? ctx.settings.database.name : dbBase(ctx);
  const out: BackupEntry[] = [];
  for (const line of stdout.split('\n')) {
    const [tag, id, mtime, size, sha, ...rest] = line.split('\t');
    if (tag !== 'backup' || !id || !ID.test(id)) continue;
    let takenBy = 'unknown';
    if (id.endsWith('.db.gz')) takenBy = 'daily timer';
    else if (id.startsWith(`${base}-safety-`)) takenBy = 'restore (safety copy)';
    else if (id.startsWith(`${base}-daily-`)) takenBy = 'daily timer';
    else if (id.startsWith(`${base}-`))
      takenBy = `deploy of ${id.slice(base.length + 1).replace(/\.(db|dump)$/, '')}`;
    out.push({
      id,
      time: new Date(Number(mtime) * 1000).toISOString().replace(/\.000Z$/, 'Z'),
      size: Number(size),
      takenBy,
      sha256: /^[0-9a-f]{64}$/.test(sha ?? '') ? sha : undefined,
      integrity: (rest.join(' ') || 'unknown').replace(/[^\x20-\x7e]/g, '?').slice(0, 200)
    });
  }
  // Newest first, as operators look for them.
  return out.sort((a, b) => b.time.localeCompare(a.time) || b.id.localeCompare(a.id));
}

export async function listBackups(ctx: DeployContext): Promise<BackupEntry[]> {
  const res = await runScript(ctx, 'listing the backups', listScript(ctx), { timeoutMs: 30 * 60_000 });
  return parseBackups(ctx, res.stdout);
}

export function requireDatabase(ctx: DeployContext, mode: string): void {
  if (isPg(ctx)) return;
  if (!ctx.settings.deploy.sqliteDb) {
    throw new DeployError(
      `mode ${mode} needs sqlite-db: the database file (relative to ${ctx.paths.shared}) the backups are of`,
      'Set sqlite-db as for your deploys (a deploy remembers it on the server, so mode restore finds it after one deploy).'
    );
  }
}

/**
 * Part one of a restore, nothing changed yet: finds the backup and copies it (unpacked) into the
 * restore's work folder, which only root writes (inside the backups folder, so the app's user can
 * read the copy but never swap it), and has the app's user check it there. A corrupt backup stops
 * the restore with the database untouched.
 */
export function stageScript(ctx: DeployContext, id: string): string {
  const p = ctx.paths;
  return `
${migrateBackupsCommand(ctx)}
${resolveCommand(ctx, id)}${serverScript('restore_stage', {
    root_read: rootReadProgram(),
    backups: p.backups,
    user: p.user,
    work: restoreWork(ctx),
    not_found: NOT_FOUND,
    corrupt: CORRUPT
  })}`;
}

/**
 * Part two: with the service stopped and its socket unit still listening (connections wait in the
 * socket's backlog), takes the safety copy of the database as it is (stopped: nothing can change
 * it any more), restores the backup into the same file with SQLite's backup API as the app's user
 * (so the file, -wal and -shm keep their owner), checkpoints the WAL and checks the result, then
 * starts the service. Any failure after the safety copy puts it back and starts the service.
 */
export function swapScript(ctx: DeployContext, expectFingerprint?: string): string {
  const p = ctx.paths;
  return serverScript('restore_swap', {
    db: dbPath(ctx),
    work: restoreWork(ctx),
    safety_prefix: `${p.backups}/${dbBase(ctx)}-safety-`,
    socket: p.units.socket.name,
    service: p.units.service.name,
    user: p.user,
    root_read: rootReadProgram(),
    current: p.current,
    expect_fingerprint: expectFingerprint ?? '',
    changed: CHANGED,
    put_back_code: PUT_BACK
  });
}

/** Puts the safety copy back after the restored database failed the health proof. */
export function putBackScript(ctx: DeployContext): string {
  if (isPg(ctx)) return pgPutBackScript(ctx);
  return serverScript('restore_put_back', {
    db: dbPath(ctx),
    work: restoreWork(ctx),
    service: ctx.paths.units.service.name,
    user: ctx.paths.user
  });
}

export function cleanupCommand(ctx: DeployContext): string {
  if (isPg(ctx)) return pgCleanupCommand(ctx);
  return `rm -rf -- ${shQuote(restoreWork(ctx))}`;
}

export async function stageRestore(
  ctx: DeployContext,
  id: string
): Promise<StepOutcome & { id: string; undo?: string }> {
  if (id === UNDO) refuseUndoOnPostgres(ctx);
  if (isPg(ctx)) return pgStageRestore(ctx, id);
  const bad = id === 'latest' ? undefined : backupIdProblem(id);
  if (bad) throw new DeployError(`backup ${bad}`, 'mode backups lists the backups on the server.');
  const res = await ctx.remote.script(stageScript(ctx, id), { sudo: true, timeoutMs: 30 * 60_000 });
  const err = res.stderr.trim().split('\n').at(-1) ?? '';
  if (res.code === NOT_FOUND)
    throw new DeployError(`${err}; nothing was changed`, 'Run mode backups to see them.');
  if (res.code === CORRUPT)
    throw new DeployError(
      `${err}; nothing was changed, the database is as it was`,
      'Pick another backup (mode backups lists them with their integrity).'
    );
  if (res.code !== 0)
    throw new DeployError(`staging the backup failed (exit ${res.code}): ${err}; nothing was changed`);
  const f = parseFacts(res.stdout);
  const undo = id === UNDO ? undoNotice(f.id ?? '', f.undo_of, f.undo_time) : undefined;
  return {
    id: f.id ?? id,
    undo,
    detail: `${f.id} (${f.size} bytes, integrity ok)${undo ? `; ${undo}` : ''}`
  };
}

export async function swapDatabase(
  ctx: DeployContext,
  expectFingerprint?: string
): Promise<StepOutcome & { safety: string; current: string; stoppedAt: number }> {
  if (isPg(ctx)) return pgSwapDatabase(ctx, expectFingerprint);
  const res = await ctx.remote.script(swapScript(ctx, expectFingerprint), {
    sudo: true,
    timeoutMs: 30 * 60_000
  });
  const f = parseFacts(res.stdout);
  if (f.warning) ctx.logger.warning(f.warning);
  if (res.code === CHANGED)
    throw new ChangedSinceError(
      'the database changed since pre-activate finished (a write reached it): restoring the backup would lose that write, so it was not restored and the data is kept'
    );
  if (res.code !== 0) {
    const tail = res.stderr.trim().split('\n').slice(-3).join('\n');
    throw new DeployError(
      res.code === PUT_BACK
        ? `the restore failed and the database was put back as it was (safety copy ${f.safety}): ${tail}`
        : `the restore failed (exit ${res.code}): ${tail}`,
      'Check the free disk space and the database file on the server.'
    );
  }
  return {
    safety: f.safety ?? '',
    current: f.current ?? '',
    stoppedAt: Number(f.stopped_ns ?? 0) / 1e6,
    detail: `restored; safety copy of the database before: ${f.safety}`
  };
}

export async function putBackSafety(ctx: DeployContext): Promise<StepOutcome> {
  await runScript(ctx, 'putting the safety copy back', putBackScript(ctx), { timeoutMs: 30 * 60_000 });
  return { detail: 'the database before the restore is back' };
}

/** The folder a backup id lives in: every backup is in the backups folder. */
export function backupDirOf(ctx: DeployContext, _id: string): string {
  return ctx.paths.backups;
}
