import type { DeployContext } from '../deploy/context.js';
import { serverProgram, serverScript } from '../render/scripts.js';
import { PG_DUMP_SUFFIX } from '../steps/pg-backup.js';
import { appRunWords, commandWordsValue } from '../deploy/app-run.js';

/** A dump older than this is red: the deploys' dumps and the daily timer's keep it younger. */
const MAX_DUMP_AGE_S = 24 * 3600;

/**
 * The checklist's database lines for database: postgres: `pg_verify` (templates/scripts/
 * pg_verify.sh), which verifyChecklistScript calls: `database` (SELECT 1 as the app, through its
 * own DATABASE_URL: templates/scripts/pg_connect.py) and `database-backup` (the newest dump is
 * younger than a day and pg_restore --list reads it, and the backups folder has room for one more).
 */
export function pgVerifyFunctions(ctx: DeployContext): string {
  const p = ctx.paths;
  return serverScript('pg_verify', {
    // The app's user in /, with the serving release's venv: app_run.sh's as_app runs these words.
    app_run_at_root: commandWordsValue(
      appRunWords(p, { cwd: '/', envFile: p.envFile, venv: `${p.current}/.venv` })
    ),
    pg_connect_py: serverProgram('pg_connect'),
    pg_db: ctx.settings.database.name,
    pg_dump_suffix: PG_DUMP_SUFFIX,
    max_dump_age_s: MAX_DUMP_AGE_S
  });
}
