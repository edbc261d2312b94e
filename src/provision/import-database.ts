import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { AS_USER_HEAD, asUserWords, commandWordsValue } from '../deploy/app-run.js';
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
 * refusal. templates/scripts/import_database.sh.
 */
export function importScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const pr = ctx.settings.provision;
  return serverScript('import_database', {
    src: pr.importDatabase,
    db: `${p.shared}/${ctx.settings.deploy.sqliteDb}`,
    marker: `${p.state}/imported-database`,
    force: pr.importDatabaseForce ? 1 : 0,
    app_dir: p.dir,
    user: p.user,
    as_user_words: commandWordsValue(asUserWords(p.user)),
    as_user_head: AS_USER_HEAD,
    backups: p.backups,
    svc: p.units.service.name,
    missing: MISSING,
    exists: EXISTS,
    corrupt: CORRUPT
  });
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
