import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import type { PgUrl } from '../settings.js';
import { shQuote } from '../ssh/quote.js';
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

/**
 * The shell lines that run pg_dump/pg_restore/psql against the app's database as `pgc ARGS`: for
 * the local server as postgres through the socket (a superuser, so nothing the app cannot read is
 * left out); for an external one as root with a password file root alone can read, written from
 * stdin into a private tmpfs folder and removed on exit, so the password is in no command line and
 * no environment (PGPASSFILE holds only its path). Every process of ours runs from /.
 */
export function pgClientPrelude(ctx: DeployContext): string {
  const db = ctx.settings.database;
  const q = shQuote;
  const u = db.external;
  if (!u)
    return `cd /
pgc() { local tool=$1; shift; runuser -u postgres -- "$tool" "$@"; }
pgdb=${q(db.name)}`;
  return `cd /
umask 077
pgdir=$(mktemp -d /run/gunicorn-deploy-pg.XXXXXX); trap 'rm -rf "$pgdir"' EXIT
IFS= read -r pwline; printf '%s\\n' "$pwline" > "$pgdir/pass"; unset pwline
export PGPASSFILE="$pgdir/pass" PGHOST=${q(u.host)} PGPORT=${q(String(u.port))} PGUSER=${q(u.user)} PGCONNECT_TIMEOUT=15
pgc() { local tool=$1; shift; "$tool" "$@"; }
pgdb=${q(u.dbname)}`;
}

/** stdin of a script with pgClientPrelude: the password file's line, for an external server. */
export function pgClientInput(ctx: DeployContext): string | undefined {
  const u = ctx.settings.database.external;
  return u ? pgPassLine(u).replace(/\n$/, '') + '\n' : undefined;
}

/**
 * pg_dump --format=custom into the root-owned backups folder (the dump comes through a pipe: no
 * process of the app's or postgres's writes a file there), checked with pg_restore --list before
 * it counts, then handed to the app's group read-only like SQLite's; only the newest backups-keep
 * deploy dumps are kept (the daily timer's and the restores' safety dumps are not counted). A client older than the server is named as such, with what to install.
 */
export function pgBackupScript(ctx: DeployContext, release: string): string {
  const p = ctx.paths;
  const q = shQuote;
  const name = ctx.settings.database.name;
  const out = `${p.backups}/${name}-${release}${PG_DUMP_SUFFIX}`;
  const tmp = `${p.backups}/.${name}-${release}${PG_DUMP_SUFFIX}.tmp`;
  return `
set -o pipefail
${pgClientPrelude(ctx)}
[ -d ${q(p.backups)} ] && [ ! -L ${q(p.backups)} ] || { echo "${p.backups} is not a folder" >&2; exit 4; }
rm -f ${q(tmp)}
err=$(mktemp)
if ! pgc pg_dump --format=custom --no-password --dbname="$pgdb" 2>"$err" > ${q(tmp)}; then
  rm -f ${q(tmp)}
  if grep -q 'server version mismatch' "$err"; then
    echo "mismatch=$(grep -o 'server version: [0-9.]*; pg_dump version: [0-9.]*' "$err" | head -1)"; rm -f "$err"; exit ${MISMATCH}
  fi
  cat "$err" >&2; rm -f "$err"; exit 4
fi
rm -f "$err"
if ! pg_restore --list ${q(tmp)} > /dev/null; then mv ${q(tmp)} ${q(out + '.corrupt')}; echo "pg_restore --list cannot read the dump" >&2; exit 4; fi
mv ${q(tmp)} ${q(out)}
chown root:${q(p.user)} ${q(out)}; chmod 0640 ${q(out)}
ls -1t ${q(p.backups)}/${q(name)}-[0-9]*${PG_DUMP_SUFFIX} | tail -n +${ctx.settings.deploy.backupsKeep + 1} | xargs -r rm -f --
echo "backup=${out}"
echo "size=$(stat -c %s ${q(out)})"
`;
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
