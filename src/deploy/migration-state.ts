import type { DeployContext } from './context.js';
import { parseFacts } from './context.js';
import { shQuote } from '../ssh/quote.js';
import { serverScript } from '../render/scripts.js';

/**
 * What the database holds, per release: a release whose pre-activate changed the schema (SQLite's
 * schema_version moved; without sqlite-db, any pre-activate that ran) is recorded in
 * migrations/ID; the release rolled back from without its rollback-command is named in
 * database-ahead until the database and the code agree again (its rollback-command ran, it serves
 * again, or a later deploy's pre-activate succeeded). Root-owned, outside the releases.
 */
export function migrationsDir(ctx: DeployContext): string {
  return `${ctx.paths.state}/migrations`;
}

export function aheadPath(ctx: DeployContext): string {
  return `${ctx.paths.state}/database-ahead`;
}

/** The shell that prints `schema_version=N` (nothing without a SQLite database), as the app's user. */
export function schemaVersionCommand(ctx: DeployContext): string {
  const db = ctx.settings.deploy.sqliteDb;
  if (!db) return 'true';
  const q = shQuote;
  const file = `${ctx.paths.shared}/${db}`;
  return `[ -f ${q(file)} ] && echo "schema_version=$(runuser -u ${q(ctx.paths.user)} -- sqlite3 -readonly -cmd '.timeout 15000' ${q(file)} 'PRAGMA schema_version' 2>/dev/null)" || true`;
}

/** SQLite's schema_version now ('' when there is no SQLite database, or it cannot be read). */
export async function schemaVersion(ctx: DeployContext): Promise<string> {
  if (!ctx.settings.deploy.sqliteDb) return '';
  const res = await ctx.remote
    .script(schemaVersionCommand(ctx), { sudo: true, timeoutMs: 60_000 })
    .catch(() => undefined);
  const v = res ? (parseFacts(res.stdout).schema_version ?? '') : '';
  return /^\d+$/.test(v) ? v : '';
}

/** Did a migration change the database? Unknown (no SQLite to ask) counts as yes. */
export function schemaChanged(before: string, after: string): boolean {
  return !before || !after || before !== after;
}

/**
 * After a release's pre-activate succeeded: its record (when the schema changed), and the
 * database no longer ahead of the code (this code's own migrations ran against it).
 */
export async function recordMigration(ctx: DeployContext, release: string, before: string): Promise<void> {
  const after = await schemaVersion(ctx);
  const changed = schemaChanged(before, after);
  ctx.facts['schema-changed'] = changed ? 'true' : 'false';
  const dir = migrationsDir(ctx);
  await ctx.remote
    .script(
      serverScript('migration_record', {
        migrations_dir: dir,
        record: `${dir}/${release}`,
        changed: changed ? 1 : 0,
        schema_before: before || '?',
        schema_after: after || '?',
        ahead_path: aheadPath(ctx),
        releases: ctx.paths.releases
      }),
      { sudo: true, timeoutMs: 30_000 }
    )
    .catch((err: unknown) =>
      ctx.logger.warning(`${ctx.label}: the migration record of ${release} was not written: ${String(err)}`)
    );
}

/** The shell that prints `migrated_ID=...` per release that changed the schema and `database_ahead=ID`. */
export function readMigrationStateCommand(ctx: DeployContext): string {
  return serverScript('migration_state_read', {
    migrations_dir: migrationsDir(ctx),
    ahead_path: aheadPath(ctx)
  });
}

export interface MigrationState {
  /** Releases whose pre-activate changed the schema. */
  migrated: Map<string, string>;
  /** The release whose migration the database holds while older code serves ('' when none). */
  ahead: string;
}

export function parseMigrationState(stdout: string): MigrationState {
  const migrated = new Map(
    [...stdout.matchAll(/^migrated_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!])
  );
  const ahead = /^database_ahead=([0-9A-Za-z._-]+)$/m.exec(stdout)?.[1] ?? '';
  return { migrated, ahead };
}

/** The shell that names (or, with '', clears) the release whose migration the database holds. */
export function aheadCommand(ctx: DeployContext, release: string): string {
  const q = shQuote;
  return release ? `printf '%s\\n' ${q(release)} > ${q(aheadPath(ctx))}` : `rm -f ${q(aheadPath(ctx))}`;
}

/** What to run when the database is ahead of the code serving it. */
export function aheadAdvice(ctx: DeployContext, migratedBy: string): string {
  return `the database is ahead of the code serving it: release ${migratedBy} migrated it (its pre-activate changed the schema) and older code serves now. Undo that migration from ${migratedBy}, which has its files: roll forward (mode rollback, rollback-to: ${migratedBy}) and back again with rollback-command set to the downgrade (flask db downgrade REV, python manage.py migrate APP 00NN); or deploy code that has the migration; or restore a backup from before it (mode restore; writes since are lost). See the README, "Rolling back a migration".`;
}
