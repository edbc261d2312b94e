import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, type StepOutcome } from '../steps/step.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { pgTimerFiles, pgTimerInput, pgTimerScript } from './pg-timer.js';
import { filesInput } from './shell.js';

/** The shell function every PostgreSQL script runs SQL with: as postgres, SQL on stdin, from /. */
export const PSQL_AS_POSTGRES = `pg_root() { (cd / && runuser -u postgres -- psql -X -A -t -q -v ON_ERROR_STOP=1 -d postgres "$@"); }`;

/**
 * The local PostgreSQL of `database: postgres`: Debian's cluster enabled and running (the package
 * may be installed with its service disabled), a role named after the app's user that can log in
 * only through the unix socket with peer authentication (Debian's pg_hba: no password anywhere),
 * without any power beyond its own objects, and the database it owns. The names passed PG_IDENT or
 * LOGIN_NAME and still travel only as psql variables (:'x' literal, :"x" identifier). Each change is
 * marked, so a second run says unchanged. A database that exists with another owner is refused,
 * never taken over: someone made it by hand and its data is theirs.
 */
export function postgresScript(role: string, db: string): string {
  const q = shQuote;
  return `
set -e
${PSQL_AS_POSTGRES}
if ! command -v pg_lsclusters >/dev/null; then
  echo "would=install postgresql and create the role ${role} and the database ${db}"; mark postgresql
else
  if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    mark cluster; v=$(ls /usr/lib/postgresql | sort -n | tail -1); act pg_createcluster "$v" main >/dev/null
  fi
  if ! systemctl is-enabled --quiet postgresql 2>/dev/null; then mark enabled; act systemctl enable --quiet postgresql; fi
  if ! systemctl is-active --quiet postgresql || pg_lsclusters -h | awk '$4 != "online" {f=1} END {exit !f}'; then
    mark started; act systemctl start postgresql
    [ "$dry" = 1 ] || for c in $(pg_lsclusters -h | awk '$4 != "online" {print $1 "/" $2}'); do act pg_ctlcluster "\${c%/*}" "\${c#*/}" start; done
  fi
  if [ "$dry" != 1 ]; then
    for i in $(seq 1 150); do pg_isready -q && break; sleep 0.2; done
    pg_isready -q || { echo "PostgreSQL does not accept connections (pg_lsclusters: $(pg_lsclusters -h | tr '\\n' ' '))" >&2; exit 4; }
  fi
  if pg_isready -q; then
    facts=$(pg_root -F ' ' -v r=${q(role)} -v d=${q(db)} <<'SQL'
SELECT 'role=' || coalesce((SELECT CASE WHEN rolcanlogin AND NOT (rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls) THEN 'ok' ELSE 'powers' END FROM pg_roles WHERE rolname = :'r'), 'none');
SELECT 'owner=' || coalesce((SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :'d'), '');
SELECT 'version=' || current_setting('server_version_num');
SQL
)
    role_st=$(printf '%s\\n' "$facts" | sed -n 's/^role=//p'); owner=$(printf '%s\\n' "$facts" | sed -n 's/^owner=//p')
    echo "pg_$(printf '%s\\n' "$facts" | grep '^version=')"
    if [ "$role_st" != ok ]; then
      mark "role"
      if [ "$dry" = 1 ]; then echo "would=make the role ${role} (login, no other power)"; else
        { [ "$role_st" = none ] && echo 'CREATE ROLE :"r" LOGIN;'
          echo 'ALTER ROLE :"r" LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;'; } | pg_root -v r=${q(role)}
      fi
    fi
    if [ -z "$owner" ]; then
      mark "database"
      if [ "$dry" = 1 ]; then echo "would=create the database ${db} owned by ${role}"; else
        pg_root -v r=${q(role)} -v d=${q(db)} <<'SQL'
CREATE DATABASE :"d" OWNER :"r" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"d" FROM PUBLIC;
SQL
      fi
    elif [ "$owner" != ${q(role)} ]; then
      echo "owner=$owner"; exit 6
    fi
  fi
fi
`;
}

/** Exit code of postgresScript when the database belongs to another role. */
const OTHER_OWNER = 6;

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
