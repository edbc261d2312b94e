import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { NOT_FOUND } from '../../src/steps/restore-codes.js';
import { stageRestore } from '../../src/steps/restore.js';
import { recordRestoreCommand, undoNotice, undoResolveCommand } from '../../src/steps/restore-undo.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function ctxWith(etc: string, over: Record<string, string> = {}): DeployContext {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    mode: 'restore',
    backup: 'undo',
    ...over
  };
  const settings = parseSettings((n) => all[n] ?? '');
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'h',
    records: [],
    paths: { ...appLayout(settings), etc },
    facts: {}
  };
}

// The undo's two server halves, run here by bash against a folder standing for /etc/APP.
function resolve(ctx: DeployContext): { code: number | null; out: string; err: string } {
  const r = spawnSync('bash', ['-c', `set -u\n${undoResolveCommand(ctx)}\necho "name=$name"`], {
    encoding: 'utf8'
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('backup: undo', () => {
  const etc = mkdtempSync(path.join(os.tmpdir(), 'gd-undo-'));
  const ctx = ctxWith(etc);
  const file = path.join(etc, 'last-restore');

  test('without a finished restore: refused, naming the file', () => {
    const r = resolve(ctx);
    expect(r.code).toBe(NOT_FOUND);
    expect(r.err).toContain(`no restore to undo on this server (${file} is missing`);
  });

  test('a recorded restore resolves to its safety copy and says what it undoes', () => {
    const rec = spawnSync('bash', [
      '-c',
      recordRestoreCommand(ctx, 'app.db-20261207T101010Z-abc.db', 'app.db-safety-20261207T111111Z.db')
    ]);
    if (process.getuid?.() === 0) {
      expect(rec.status).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } else {
      writeFileSync(
        file,
        'safety=app.db-safety-20261207T111111Z.db\nbackup=app.db-20261207T101010Z-abc.db\ntime=2026-12-07T11:11:12Z\n'
      );
    }
    expect(readFileSync(file, 'utf8')).toMatch(
      /^safety=app\.db-safety-20261207T111111Z\.db\nbackup=app\.db-20261207T101010Z-abc\.db\ntime=\d{4}-\d\d-\d\dT[\d:]+Z\n$/
    );
    const r = resolve(ctx);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^undo_of=app\.db-20261207T101010Z-abc\.db\nundo_time=\S+Z\nname=app\.db-safety-20261207T111111Z\.db\n$/
    );
    expect(undoNotice('S.db', 'B.db', 'T')).toBe(
      "undoing the restore of B.db at T: the database goes back to its safety copy S.db; every write since that restore is dropped (kept in this run's own safety copy)"
    );
  });

  test.each(['safety=none (no database yet)', 'safety=../../etc/shadow', 'safety=-rf', 'backup=x'])(
    'a record without a plain safety id (%s) is refused',
    (line) => {
      writeFileSync(file, `${line}\n`);
      const r = resolve(ctx);
      expect(r.code).toBe(NOT_FOUND);
      expect(r.err).toContain('the last restore took no safety copy');
    }
  );

  test('a safety id that is not plain is never recorded as such', () => {
    expect(recordRestoreCommand(ctx, 'b.db', 'none (no database yet)')).toContain("'none'");
  });

  test('database: postgres refuses undo before anything runs on the server', async () => {
    const pg = ctxWith(etc, { database: 'postgres', 'database-name': 'shop' });
    await expect(stageRestore(pg, 'undo')).rejects.toThrow(
      /backup: undo is not supported with database: postgres; nothing was changed/
    );
  });
});
