import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { asUser } from '../deploy/app-run.js';
import { DeployError, type StepOutcome } from '../steps/step.js';
import { runProvisionScript } from './run.js';

/** Exit codes the script uses to say why it refused. */
const MISSING = 7;
const EXISTS = 8;
const CORRUPT = 9;

/**
 * Copies an SQLite file that is already on the server (say, one taken out of a Docker volume)
 * into shared/ with SQLite's backup API, checks the copy, and only then moves it in place. An
 * existing database is never overwritten unless forced (and then it is backed up first). A marker
 * records what was imported, so a second provision with the same input is a no-op rather than a
 * refusal.
 */
export function importScript(ctx: DeployContext): string {
  const q = shQuote;
  const p = ctx.paths;
  const pr = ctx.settings.provision;
  const db = `${p.shared}/${ctx.settings.deploy.sqliteDb}`;
  const old = `${p.backups}/before-import-$(date -u +%Y%m%dT%H%M%SZ).db`;
  const svc = q(p.units.service.name);
  return `
src=${q(pr.importDatabase)}; db=${q(db)}; marker=${q(`${p.state}/imported-database`)}
if [ ! -f "$src" ]; then echo "import-database: $src does not exist on the server" >&2; exit ${MISSING}; fi
want="$src $(sha256sum < "$src" | cut -d' ' -f1)"
if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ] && [ -f "$db" ]; then
  echo "import=already imported from $src"
elif [ -f "$db" ] && [ ${pr.importDatabaseForce ? 1 : 0} != 1 ]; then
  echo "import-database: a database is already at $db; refusing to replace it" >&2; exit ${EXISTS}
else
  mark database
  if [ "$dry" = 1 ]; then
    echo "would=copy $src to $db with sqlite3 .backup$([ -f "$db" ] && echo ', after backing up the existing one')"
  else
    check=$(sqlite3 -readonly "$src" 'PRAGMA integrity_check' 2>&1 || true)
    if [ "$check" != ok ]; then echo "import-database: $src fails PRAGMA integrity_check: \${check:0:300}" >&2; exit ${CORRUPT}; fi
    # shared/ is the app's: root makes the copy in a folder of its own and never writes, moves or
    # chowns a path there (a link the app put in its place would be followed); the app's user
    # puts the copy in place.
    tmpd=$(mktemp -d ${q(p.dir)}/.gd-import.XXXXXX); trap 'rm -rf -- "$tmpd"' EXIT; tmp="$tmpd/import.db"
    sqlite3 -cmd '.timeout 15000' "$src" ".backup '$tmp'"
    [ "$(sqlite3 "$tmp" 'PRAGMA integrity_check')" = ok ] || { echo "import-database: the copy fails integrity_check" >&2; exit ${CORRUPT}; }
    chown ${q(`${p.user}:${p.user}`)} "$tmp"; chmod 0640 "$tmp"
    chgrp ${q(p.user)} "$tmpd"; chmod 0770 "$tmpd"
    stopped=no
    if [ -f "$db" ]; then
      # Forced: keep the database being replaced, and swap it with the app stopped (the socket
      # stays open, so requests wait rather than fail). Read by the app's user, kept by root.
      old="${old}"
      if systemctl is-active --quiet ${svc}; then systemctl stop ${svc}; stopped=yes; fi
      ${asUser(p.user, `sqlite3 -cmd '.timeout 15000' "$1" ".backup '$2'"`, ['"$db"', '"$tmpd/old.db"'])}
      mv -T "$tmpd/old.db" "$old"
      if [ -L "$old" ] || [ ! -f "$old" ]; then rm -f "$old"; echo "import-database: the backup of $db is not a regular file" >&2; exit ${CORRUPT}; fi
      chown root:${q(p.user)} "$old"; chmod 0640 "$old"
      echo "previous=$old"
    fi
    ${asUser(p.user, 'install -d -m 0750 -- "$(dirname -- "$2")"; rm -f -- "$2-wal" "$2-shm"; mv -f -- "$1" "$2"', ['"$tmp"', '"$db"'])}
    [ "$stopped" = no ] || systemctl start ${svc}
    printf '%s\\n' "$want" > "$marker"
    echo "rows_tables=$(sqlite3 -readonly "$db" "SELECT count(*) FROM sqlite_master WHERE type='table'")"
  fi
fi
`;
}

export async function importDatabase(ctx: DeployContext): Promise<StepOutcome> {
  const pr = ctx.settings.provision;
  if (!pr.importDatabase) return { changed: false, detail: 'no import-database set' };
  if (!/^[A-Za-z0-9._/-]+$/.test(ctx.settings.deploy.sqliteDb)) {
    throw new DeployError(
      `sqlite-db '${ctx.settings.deploy.sqliteDb}' has characters the import cannot quote for sqlite3`,
      'Use a path of letters, digits and . _ / - for sqlite-db.'
    );
  }
  try {
    const res = await runProvisionScript(ctx, 'importing the database', importScript(ctx), {
      timeoutMs: 30 * 60_000
    });
    if (res.facts.import) res.detail = res.facts.import;
    else if (res.facts.previous) res.detail += ` (the replaced database is kept at ${res.facts.previous})`;
    return res;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const line = /import-database: .*/.exec(msg)?.[0];
    if (msg.includes(`exit ${EXISTS}`)) {
      throw new DeployError(
        `${line}. Nothing was changed.`,
        'Set import-database-force: true to replace it (the existing database is backed up first), or remove import-database.'
      );
    }
    if (line)
      throw new DeployError(`${line}. Nothing was changed.`, 'Check the import-database path on the server.');
    throw err;
  }
}
