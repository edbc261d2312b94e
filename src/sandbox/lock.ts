import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sleep } from './run.js';

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return true;
}

/**
 * A mkdir lock: atomic on every local filesystem, works across processes and jest workers.
 * A lock whose holder died is taken over, so a killed build never blocks the next one.
 */
export async function withLock<T>(
  lockDir: string,
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; onWait?: () => void } = {}
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  let announced = false;
  await mkdir(path.dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await isStale(lockDir)) {
      // Rename first: of two processes that both saw it stale, only one wins the rename.
      const grave = `${lockDir}.stale-${process.pid}-${Date.now()}`;
      try {
        await rename(lockDir, grave);
        await rm(grave, { recursive: true, force: true });
      } catch {
        // someone else took it over
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockDir}`);
    if (!announced) {
      opts.onWait?.();
      announced = true;
    }
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function isStale(lockDir: string): Promise<boolean> {
  try {
    const pid = Number((await readFile(path.join(lockDir, 'pid'), 'utf8')).trim());
    return !pidAlive(pid);
  } catch {
    // Created but no pid yet: only stale if it stays that way.
    try {
      const s = await stat(lockDir);
      return Date.now() - s.mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
}
