import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { PG_DUMP_SUFFIX } from './pg-backup.js';

const run = promisify(execFile);

/**
 * mode backups for PostgreSQL: every dump of the database in the root-owned backups folder (the
 * deploys', the daily timer's and the restores' safety dumps), each read through with
 * pg_restore --list; the same tab-separated lines as SQLite's list. Read-only.
 */
export function pgListScript(ctx: DeployContext): string {
  return serverScript('pg_backups', {
    backups: ctx.paths.backups,
    name: ctx.settings.database.name,
    suffix: PG_DUMP_SUFFIX
  });
}

/**
 * A downloaded dump checked on the runner: pg_restore --list when the runner has it (GitHub's
 * Ubuntu runners do), else the custom format's PGDMP header (the sha256 already matched the
 * server's, where pg_restore --list read it).
 */
export async function localDumpCheck(file: string): Promise<string> {
  try {
    await run('pg_restore', ['--list', file], { timeout: 600_000, maxBuffer: 256 * 1024 * 1024 });
    return 'ok';
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const why = (e.stderr ?? e.message).trim().split('\n').at(-1) ?? '';
    // An older pg_restore on the runner than the server's pg_dump: the header is what it can check.
    if (e.code !== 'ENOENT' && !/unsupported version/.test(why))
      return `pg_restore --list cannot read it: ${why}`;
  }
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    return head.toString('latin1') === 'PGDMP' ? 'ok' : 'not a pg_dump custom-format file';
  } finally {
    await fh.close();
  }
}
