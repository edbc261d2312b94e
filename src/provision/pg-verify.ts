import type { DeployContext } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { shQuote } from '../ssh/quote.js';
import { PG_DUMP_SUFFIX } from '../steps/pg-backup.js';

/** A dump older than this is red: the deploys' dumps and the daily timer's keep it younger. */
const MAX_DUMP_AGE_S = 24 * 3600;

/**
 * The app connects as the service does: its user, its env file, its own DATABASE_URL. The URL's
 * parts go to psql as libpq's environment (the password as PGPASSWORD, which only that user and
 * root can read in /proc), never in argv.
 */
const CONNECT = `import os, sys, urllib.parse as u
url = os.environ.get("DATABASE_URL", "")
if not url.startswith(("postgres://", "postgresql://")):
    print("DATABASE_URL is not a postgresql:// URL in the env file"); sys.exit(3)
p = u.urlsplit(url)
env = dict(os.environ)
for k, v in (("PGHOST", p.hostname), ("PGPORT", p.port and str(p.port)), ("PGUSER", p.username), ("PGPASSWORD", p.password), ("PGDATABASE", p.path.lstrip("/"))):
    if v:
        env[k] = u.unquote(v)
os.execvpe("psql", ["psql", "-X", "-A", "-t", "-q", "-w", "-c", "SELECT 1"], env)
`;

/**
 * The checklist's database lines for database: postgres (the `r NAME STATE DETAIL` function of
 * verifyChecklistScript): `database` (SELECT 1 as the app), `database-backup` (the newest dump is
 * younger than a day and pg_restore --list reads it, and the backups folder has room for one more).
 */
export function pgVerifyLines(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  const connect = appRunCommand(p, {
    cwd: '/',
    envFile: p.envFile,
    venv: `${p.current}/.venv`,
    argv: ['/usr/bin/python3', '-c', CONNECT]
  });
  return `
out=$(${connect} 2>&1 | tail -n 2)
if [ "$out" = 1 ]; then r database ok "SELECT 1 as ${p.user} through its DATABASE_URL"; else r database red "the app cannot reach its database: $out"; fi
newest=$(ls -1t -- ${q(p.backups)}/${q(ctx.settings.database.name)}-*${PG_DUMP_SUFFIX} 2>/dev/null | head -n 1)
if [ -z "$newest" ]; then r database-backup red "no dump in ${p.backups} (deploys with pre-activate and the daily timer make them)";
else
  age=$(( $(date +%s) - $(stat -c %Y -- "$newest") )); size=$(stat -c %s -- "$newest")
  room=$(df -P -B1 ${q(p.backups)} | awk 'NR==2 {print $4}')
  if [ "$age" -ge ${MAX_DUMP_AGE_S} ]; then r database-backup red "the newest dump $(basename -- "$newest") is $((age / 3600)) h old";
  elif ! pg_restore --list < "$newest" > /dev/null 2>&1; then r database-backup red "pg_restore --list cannot read $(basename -- "$newest")";
  elif [ "\${room:-0}" -le "$size" ]; then r database-backup red "$room bytes free in ${p.backups}: no room for another dump of $size bytes";
  else r database-backup ok "$(basename -- "$newest"), $((age / 60)) min old, $size bytes, pg_restore --list ok, room for $((room / (size + 1))) more"; fi
fi`;
}
