import { createHash } from 'node:crypto';
import { lstatSync, openSync, readFileSync, renameSync, writeSync, closeSync, type Stats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The blob ids of a tree that is not a git checkout, remembered between runs on the same machine
 * (the CLI, a self-hosted runner) so that only files whose stat changed are read again: hashing
 * 5,000 small files costs ~0.2-0.4 s, the stat of each ~0.15 s. An entry is trusted only when size,
 * mtime, ctime, inode and device all match, and only when the file was last changed well before
 * the entry was made (a file changed in the same instant as the hashing is hashed again, as git
 * treats "racily clean" entries). A GitHub-hosted runner starts every job cold: the cache is
 * simply not found there.
 */
const VERSION = 1;
/** A change this close to (or after) the hashing may have been missed by the stat: never trusted. */
const RACY_MS = 2000;

interface Entry {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
  hash: string;
}

interface CacheFile {
  version: number;
  source: string;
  madeAt: number;
  entries: Record<string, Entry>;
}

export class HashCache {
  private readonly fresh: Record<string, Entry> = {};
  private readonly startedAt = Date.now();

  private constructor(
    private readonly file: string | undefined,
    private readonly source: string,
    private readonly old: CacheFile | undefined
  ) {}

  /** The cache for this source folder: in RUNNER_TEMP when set, else the OS temp folder. */
  static open(source: string, exclude: readonly string[]): HashCache {
    const key = createHash('sha256')
      .update(JSON.stringify([path.resolve(source), [...exclude]]))
      .digest('hex')
      .slice(0, 24);
    const dir = process.env.RUNNER_TEMP || os.tmpdir();
    const file = path.join(dir, `gunicorn-deploy-hashes-${key}.json`);
    return new HashCache(file, path.resolve(source), readOwn(file, path.resolve(source)));
  }

  /** The id remembered for this file, if its stat says it is the same file with the same bytes. */
  get(name: string, st: Stats): string | undefined {
    const e = this.old?.entries[name];
    if (!e || !this.old) return undefined;
    const same =
      e.size === st.size &&
      e.mtimeMs === st.mtimeMs &&
      e.ctimeMs === st.ctimeMs &&
      e.ino === st.ino &&
      e.dev === st.dev &&
      st.ctimeMs < this.old.madeAt - RACY_MS &&
      st.mtimeMs < this.old.madeAt - RACY_MS;
    return same ? e.hash : undefined;
  }

  set(name: string, st: Stats, hash: string): void {
    this.fresh[name] = {
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      ino: st.ino,
      dev: st.dev,
      hash
    };
  }

  /** Written next to the old one and renamed over it; any failure just means no cache next time. */
  save(): void {
    if (!this.file) return;
    const data: CacheFile = {
      version: VERSION,
      source: this.source,
      madeAt: this.startedAt,
      entries: this.fresh
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      // O_EXCL: never write through a file or link someone else put there.
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(data));
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch {
      // A read-only or shared temp folder: the next run hashes everything, as without a cache.
    }
  }
}

/** The cache file when it is ours (our uid, a regular file nobody else may write) and well formed. */
function readOwn(file: string, source: string): CacheFile | undefined {
  try {
    const st = lstatSync(file);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (data.version !== VERSION || data.source !== source || typeof data.entries !== 'object')
      return undefined;
    return data;
  } catch {
    return undefined;
  }
}
