import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { DeployError, type StepOutcome } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { pgTimerFiles, pgTimerInput, pgTimerScript } from './pg-timer.js';
import { filesInput } from './shell.js';

/** The shell function every PostgreSQL script runs SQL with: as postgres, SQL on stdin, from /. */
export const PSQL_AS_POSTGRES = `pg_root() { (cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres "$@"); }`;

/** Exit code of postgresScript when the database belongs to another role. */
const OTHER_OWNER = 6;

/**
 * The local PostgreSQL of `database: postgres`: Debian's cluster enabled and running (the package
 * may be installed with its service disabled), a role named after the app's user that can log in
 * only through the unix socket with peer authentication (Debian's pg_hba: no password anywhere),
 * without any power beyond its own objects, and the database it owns. The names passed PG_IDENT or
 * LOGIN_NAME and still travel only as psql variables (:'x' literal, :"x" identifier). Each change is
 * marked, so a second run says unchanged. A database that exists with another owner is refused,
 * never taken over: someone made it by hand and its data is theirs. templates/scripts/postgres.sh.
 */
export function postgresScript(role: string, db: string): string {
  return serverScript('postgres', { role, db, other_owner: OTHER_OWNER });
}

export async function ensurePostgres(ctx: DeployContext): Promise<StepOutcome> {
  const db = ctx.settings.database;
  if (db.kind !== 'postgres') return { changed: false, detail: 'database: sqlite' };
  const local = db.external ? undefined : await ensureLocalPostgres(ctx);
  const files = pgTimerFiles(ctx);
  const timer = await runProvisionScript(ctx, 'installing the daily PostgreSQL dump', pgTimerScript(ctx), {
    stdin: pgTimerInput(ctx, filesInput(files))
  });
  const changes = [...(local?.changes ?? []), ...timer.changes];
  const dry = ctx.settings.provision.dryRun;
  const what =
    changes.length === 0 ? 'unchanged' : `${dry ? 'would change' : 'changed'}: ${changes.join(', ')}`;
  const v = Number(local?.facts.pg_version ?? 0);
  return {
    changed: changes.length > 0,
    detail: db.external
      ? `${what} (external server ${db.external.host}, nothing installed)`
      : `${what}${v ? ` (PostgreSQL ${Math.floor(v / 10000)}, database ${db.name})` : ''}`
  };
}

async function ensureLocalPostgres(ctx: DeployContext): Promise<ProvisionResult> {
  const db = ctx.settings.database;
  const role = ctx.paths.user;
  try {
    return await runProvisionScript(ctx, 'setting up PostgreSQL', postgresScript(role, db.name), {
      timeoutMs: 5 * 60_000,
      hint: 'Check the cluster on the server: pg_lsclusters, journalctl -u postgresql@*.'
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /^owner=(.*)$/m.exec(msg);
    if (m || msg.includes(`exit ${OTHER_OWNER}`))
      throw new DeployError(
        `the PostgreSQL database ${db.name} already exists and belongs to the role ${m?.[1] ?? '(another)'}, not ${role}; nothing was changed`,
        `Give it to the app (sudo -u postgres psql -c 'ALTER DATABASE "${db.name}" OWNER TO "${role}"') or choose another database-name.`
      );
    throw err;
  }
}
