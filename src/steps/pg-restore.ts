import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { PSQL_AS_POSTGRES } from '../provision/postgres.js';
import { backupIdProblem } from '../rules.js';
import { shQuote } from '../ssh/quote.js';
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

/** pgv: SQL on stdin as postgres with the names as variables; kick: ends leftover sessions. */
function prelude(ctx: DeployContext): string {
  const n = names(ctx);
  const q = shQuote;
  return `set -o pipefail
cd /
err=$(mktemp); trap 'rm -f "$err"' EXIT
${PSQL_AS_POSTGRES}
pgv() { pg_root -v r=${q(n.role)} -v d=${q(n.db)} -v w=${q(n.fresh)} -v o=${q(n.old)} -v f=${q(n.failed)} "$@"; }
kick() { pgv <<'SQL' >/dev/null
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN (:'d', :'o') AND pid <> pg_backend_pid();
SQL
}`;
}

/** Part one: the dump found and listed, restored into the fresh database; nothing live changed. */
export function pgStageScript(ctx: DeployContext, id: string): string {
  const q = shQuote;
  const p = ctx.paths;
  const pattern = `${q(p.backups)}/${q(names(ctx).db)}-*${PG_DUMP_SUFFIX}`;
  const find =
    id === 'latest'
      ? `file=$(ls -1t -- ${pattern} 2>/dev/null | head -n 1)
[ -n "$file" ] || { echo "no PostgreSQL dump of ${names(ctx).db} on the server (in ${p.backups})" >&2; exit ${NOT_FOUND}; }`
      : `file=${q(`${p.backups}/${id}`)}
case ${q(id)} in *${PG_DUMP_SUFFIX}) ;; *) echo ${q(`${id} is not a PostgreSQL dump (DBNAME-ID${PG_DUMP_SUFFIX})`)} >&2; exit ${NOT_FOUND};; esac
[ -f "$file" ] && [ ! -L "$file" ] || { echo ${q(`no backup ${id} on the server (in ${p.backups}); mode backups lists them`)} >&2; exit ${NOT_FOUND}; }`;
  return `${prelude(ctx)}
${find}
old=$(pgv <<'SQL'
SELECT 1 FROM pg_database WHERE datname = :'o';
SQL
)
if [ -n "$old" ]; then echo "the database ${names(ctx).old} (the database as it was before an earlier restore, whose safety dump was not made) is still there: check it and drop or rename it first" >&2; exit ${NOT_FOUND}; fi
pg_restore --list < "$file" > /dev/null 2>&1 || { echo "pg_restore --list cannot read $(basename -- "$file")" >&2; exit ${CORRUPT}; }
pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"w";
SQL
pgv <<'SQL' >/dev/null
CREATE DATABASE :"w" OWNER :"r" TEMPLATE template0 ENCODING 'UTF8';
REVOKE ALL ON DATABASE :"w" FROM PUBLIC;
SQL
# As postgres, with the objects made by (and owned by) the app's role; the file is opened by root.
if ! runuser -u postgres -- pg_restore --exit-on-error --no-owner --role=${q(names(ctx).role)} --dbname=${q(names(ctx).fresh)} < "$file" 2> "$err"; then
  pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"w";
SQL
  echo "the dump $(basename -- "$file") does not restore: $(tail -n 3 "$err" | tr '\\n' ' ' | cut -c1-300)" >&2; exit ${CORRUPT}
fi
echo "id=$(basename -- "$file")"
echo "size=$(stat -c %s -- "$file")"
`;
}

/**
 * Part two, requests held: the service stops, leftover sessions end, (for a rollback) the WAL
 * position must still be the one after the migration, the databases are swapped in one
 * transaction, the service starts; then the old one is dumped as the safety copy.
 */
export function pgSwapScript(ctx: DeployContext, expectLsn?: string): string {
  const q = shQuote;
  const p = ctx.paths;
  const svc = q(p.units.service.name);
  const safety = `${p.backups}/${names(ctx).db}-safety-`;
  return `${prelude(ctx)}
systemctl is-active --quiet ${q(p.units.socket.name)} || echo "warning=the socket unit ${p.units.socket.name} is not active: requests are refused while the service is stopped"
echo "stopped_ns=$(date +%s%N)"
systemctl stop ${svc}
started=no
start() { [ "$started" = yes ] || { systemctl start ${svc}; started=yes; }; }
kick
${
  expectLsn
    ? `# Only a database nobody wrote to since the migration finished may be rolled back.
now=$(pgv -c 'SELECT pg_current_wal_flush_lsn()')
if [ "$now" != ${q(expectLsn)} ]; then
  writes=$(${walWritesCommand(expectLsn)}) || writes="unknown (the WAL could not be read)"
  if [ "$writes" != 0 ]; then start; echo "changed=$writes"; exit ${CHANGED}; fi
fi
`
    : ''
}swapped=no
for i in 1 2 3 4 5; do
  kick
  if pgv <<'SQL' >/dev/null 2>"$err"; then swapped=yes; break; fi
BEGIN;
ALTER DATABASE :"d" RENAME TO :"o";
ALTER DATABASE :"w" RENAME TO :"d";
COMMIT;
SQL
  sleep 0.2
done
if [ "$swapped" != yes ]; then start; echo "the databases could not be swapped: $(tail -n 2 "$err" | tr '\\n' ' ')" >&2; exit ${PUT_BACK}; fi
echo "swapped_ns=$(date +%s%N)"
start
echo "started_ns=$(date +%s%N)"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
safety=${q(safety)}"$stamp${PG_DUMP_SUFFIX}"
if runuser -u postgres -- pg_dump --format=custom --dbname=${q(names(ctx).old)} > "$safety.tmp" && pg_restore --list "$safety.tmp" > /dev/null; then
  mv "$safety.tmp" "$safety"; chown root:${q(p.user)} "$safety"; chmod 0640 "$safety"
  printf '%s\\n' "$safety" > ${q(marker(ctx))}
  echo "safety=$(basename -- "$safety")"
else
  rm -f "$safety.tmp"; echo "safety=none (the old database is kept as ${names(ctx).old})"
fi
echo "restored=yes"
echo "current=$(basename "$(readlink ${q(p.current)})")"
`;
}

/** The restored database failed the health proof: the old one back, by name, requests held. */
export function pgPutBackScript(ctx: DeployContext): string {
  const svc = shQuote(ctx.paths.units.service.name);
  return `${prelude(ctx)}
systemctl stop ${svc}
for i in 1 2 3 4 5; do
  kick
  pgv <<'SQL' >/dev/null && { echo "put_back=yes"; break; }
DROP DATABASE IF EXISTS :"f";
BEGIN;
ALTER DATABASE :"d" RENAME TO :"f";
ALTER DATABASE :"o" RENAME TO :"d";
COMMIT;
SQL
  sleep 0.2
done
systemctl start ${svc}
pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"f";
SQL
`;
}

/**
 * After the restore (proven, put back or failed): the fresh and failed copies go; the old database
 * only when its safety dump was made and is still there (else it stays, the only copy of the data).
 */
export function pgCleanupCommand(ctx: DeployContext): string {
  const m = shQuote(marker(ctx));
  return `(${prelude(ctx)}
pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"w";
DROP DATABASE IF EXISTS :"f";
SQL
if [ -f ${m} ] && [ -f "$(cat ${m})" ]; then pgv <<'SQL' >/dev/null
DROP DATABASE IF EXISTS :"o";
SQL
fi
rm -f ${m})`;
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
  const res = await ctx.remote.script(
    `cd /\n${PSQL_AS_POSTGRES}\necho "lsn=$(pg_root -c 'SELECT pg_current_wal_flush_lsn()')"`,
    { sudo: true, timeoutMs: 60_000 }
  );
  const lsn = parseFacts(res.stdout).lsn ?? '';
  return res.code === 0 && /^[0-9A-F]+\/[0-9A-F]+$/.test(lsn) ? lsn : '';
}

/** Shell printing how many WAL records since FROM change rows of database :'d' (fails when unreadable). */
function walWritesCommand(from: string): string {
  const q = shQuote;
  return `oid=$(pgv <<'SQL'
SELECT oid FROM pg_database WHERE datname = :'d';
SQL
) && v=$(pgv -c 'SHOW server_version_num') && wal="$(pgv -c 'SHOW data_directory')/pg_wal" &&
  runuser -u postgres -- /usr/lib/postgresql/$((v / 10000))/bin/pg_waldump -p "$wal" -s ${q(from)} -e "$now" 2>/dev/null |
  awk -v db="$oid" '$0 ~ ("rel [0-9]+/" db "/") && (($2 == "Heap" && $0 !~ /desc: INPLACE/) || ($2 == "Heap2" && $0 ~ /desc: MULTI_INSERT/) || $2 == "Sequence") {n++} END {print n + 0}'`;
}
