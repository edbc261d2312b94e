import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A blob git already holds for a file: its id (what `git hash-object` prints) and its size. */
export interface GitBlob {
  id: string;
  size: number;
}

async function git(dir: string, args: string[], input = ''): Promise<string> {
  // Read-only: no index refresh (optional locks off), and no fetch of missing objects in a partial
  // clone (a missing blob just means we hash that file ourselves).
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_NO_LAZY_FETCH: '1' };
  // The repository dir is in, not one a git hook running us points at (its ids are for other files).
  for (const v of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[v];
  const run = exec('git', ['-C', dir, ...args], { env, maxBuffer: 1 << 28, timeout: 60_000 });
  // git may exit (not a repository) before reading its input: the write then fails, harmlessly.
  run.child.stdin?.on('error', () => {});
  run.child.stdin?.end(input);
  return (await run).stdout;
}

/**
 * The blob ids git can vouch for, by path relative to dir: files whose index entry git itself
 * finds unchanged in the work tree. Three git processes, whatever the tree's size. Empty when dir
 * is not in a git work tree, git is missing or anything fails: the caller then hashes every file.
 * The caller must still compare sizes: a clean/smudge filter or eol conversion (LFS pointers,
 * CRLF checkouts) leaves git calling a file clean whose bytes are not the blob's.
 */
export async function gitBlobs(dir: string): Promise<Map<string, GitBlob>> {
  try {
    const [staged, changed] = await Promise.all([
      git(dir, ['ls-files', '-s', '-v', '-z']),
      // git's own stat check, racily clean entries included; --relative: paths as ls-files gives them.
      git(dir, ['diff-files', '--name-only', '-z', '--relative', '--ignore-submodules'])
    ]);
    const dirty = new Set(changed.split('\0'));
    const ids = new Map<string, string>();
    for (const rec of staged.split('\0')) {
      // Only H: lowercase (assume-unchanged) and S (skip-worktree) entries are not checked against
      // the work tree. 40 hex only: a SHA-256 repository's ids are not the SHA-1 we compute.
      const m = /^H (?:100644|100755|120000) ([0-9a-f]{40}) 0\t(.+)$/s.exec(rec);
      if (m && !dirty.has(m[2]!)) ids.set(m[2]!, m[1]!);
    }
    if (ids.size === 0) return new Map();
    const sizes = new Map<string, number>();
    const out = await git(
      dir,
      ['cat-file', '--batch-check=%(objectname) %(objectsize)'],
      [...new Set(ids.values())].join('\n') + '\n'
    );
    for (const line of out.split('\n')) {
      const [id, size] = line.split(' ');
      if (id && size && /^\d+$/.test(size)) sizes.set(id, Number(size));
    }
    const blobs = new Map<string, GitBlob>();
    for (const [p, id] of ids) {
      const size = sizes.get(id);
      if (size !== undefined) blobs.set(p, { id, size });
    }
    return blobs;
  } catch {
    return new Map();
  }
}
