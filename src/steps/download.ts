import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { rootRead } from '../deploy/root-read.js';
import type { BackupEntry } from './restore.js';
import { localDumpCheck } from './pg-backups.js';
import { DeployError, type StepOutcome } from './step.js';

const run = promisify(execFile);

/** Where the file goes: into PATH when it is a folder (or ends with /), else PATH itself. */
export async function downloadTarget(dest: string, id: string): Promise<string> {
  const isDir =
    dest.endsWith('/') ||
    (await stat(dest)
      .then((st) => st.isDirectory())
      .catch(() => false));
  return isDir ? path.join(dest, id) : dest;
}

/**
 * PRAGMA integrity_check on the runner, with Python's sqlite3 module (on every GitHub runner) or
 * else the sqlite3 binary; 'ok' when sound. The path goes in argv, never into code.
 */
export async function localIntegrity(file: string): Promise<string> {
  const py =
    'import sqlite3,sys\nc=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro",uri=True)\nprint(c.execute("PRAGMA integrity_check").fetchone()[0])';
  try {
    const { stdout } = await run('python3', ['-c', py, file], { timeout: 600_000 });
    return stdout.trim();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code !== 'ENOENT')
      return `python3 could not check it: ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`;
  }
  try {
    const { stdout } = await run('sqlite3', ['-readonly', file, 'PRAGMA integrity_check'], {
      timeout: 600_000
    });
    return stdout.trim().split('\n')[0] ?? '';
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return 'neither python3 nor sqlite3 is on the runner to check it';
    return `sqlite3 could not check it: ${(e.stderr ?? e.message).trim().split('\n').at(-1)}`;
  }
}

/**
 * Copies one backup to the runner over the SSH channel's stdout (base64, so the text channel
 * carries bytes safely), then proves the copy: its sha256 equals the server's, and the database
 * (unpacked, for a daily .gz) passes PRAGMA integrity_check here.
 */
export async function downloadBackup(
  ctx: DeployContext,
  backup: BackupEntry,
  dir: string,
  dest: string
): Promise<StepOutcome & { file: string; sha256: string }> {
  const file = await downloadTarget(dest, backup.id);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const out = createWriteStream(file, { mode: 0o600 });
  const hash = createHash('sha256');
  let pending = '';
  let bytes = 0;
  const push = (b64: string): void => {
    const buf = Buffer.from(b64, 'base64');
    bytes += buf.length;
    hash.update(buf);
    out.write(buf);
  };
  const res = await ctx.remote.script(
    // Read once, as a regular root-owned file (never a link or FIFO), hashed as it is sent.
    rootRead('cat', shQuote(dir), shQuote(backup.id), 'root'),
    {
      sudo: true,
      timeoutMs: 60 * 60_000,
      signal: ctx.signal,
      onStdout: (chunk) => {
        pending += chunk.replace(/\s+/g, '');
        const whole = pending.length - (pending.length % 4);
        if (whole > 0) {
          push(pending.slice(0, whole));
          pending = pending.slice(whole);
        }
      }
    }
  );
  if (pending) push(pending);
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve()))
  );
  const sha = hash.digest('hex');
  const serverSha = /^sha256=([0-9a-f]{64})$/m.exec(res.stderr)?.[1] ?? '';
  if (res.code !== 0) {
    await rm(file, { force: true });
    throw new DeployError(
      `copying backup ${backup.id} failed (exit ${res.code}): ${res.stderr.trim().split('\n').at(-1)?.slice(0, 300) ?? ''}`,
      'Check the connection and try again.'
    );
  }
  if (!/^[0-9a-f]{64}$/.test(serverSha) || sha !== serverSha) {
    throw new DeployError(
      `the downloaded ${backup.id} (${bytes} bytes, sha256 ${sha}) does not match the server's (sha256 ${serverSha.slice(0, 64)})`,
      'Run again; a difference means the copy was damaged on the way.'
    );
  }
  let check: string;
  if (backup.id.endsWith('.gz')) {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'gd-backup-'));
    try {
      const plain = path.join(tmp, 'check.db');
      // A .gz that does not unpack completely fails closed, as on the server.
      const bytes = await readFile(file)
        .then((b) => gunzipSync(b))
        .catch((err: Error) => err);
      if (bytes instanceof Error) check = `not a complete gzip file (${bytes.message})`;
      else {
        await writeFile(plain, bytes);
        check = await localIntegrity(plain);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  } else if (backup.id.endsWith('.dump')) check = await localDumpCheck(file);
  else check = await localIntegrity(file);
  if (check !== 'ok') {
    throw new DeployError(
      `the downloaded ${backup.id} fails ${backup.id.endsWith('.dump') ? 'its check' : 'PRAGMA integrity_check'} on the runner: ${check.slice(0, 300)}`,
      "The file is kept for inspection; the server's own copy is unchanged."
    );
  }
  ctx.facts['downloaded-backup'] = file;
  ctx.facts['backup-sha256'] = sha;
  return {
    file,
    sha256: sha,
    detail: `${backup.id} -> ${file} (${bytes} bytes, sha256 ${sha.slice(0, 12)}..., integrity ok)`
  };
}
