import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { run, sleep } from './run.js';

function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at or below dir, deepest first (the order to unmount them in). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = path.resolve(dir);
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .filter(Boolean)
    .map((line) => unescapeMountPath(line.split(' ')[4]))
    .filter((p) => p === root || p.startsWith(root + '/'));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything at or below dir. A mount still busy after a few tries is detached lazily:
 * the caller is tearing the tree down and must not delete files through a live mount.
 */
export async function unmountTree(dir: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const points = await mountsUnder(dir);
    if (!points.length) return;
    for (const p of points) {
      await run('umount', attempt < 5 ? [p] : ['-l', p], { allowFail: true });
    }
    if (attempt >= 6) {
      const left = await mountsUnder(dir);
      if (left.length) throw new Error(`could not unmount ${left.join(', ')}`);
      return;
    }
    await sleep(200);
  }
}

/** rm -rf that never crosses into another filesystem (a leftover /proc or bind mount in the tree). */
export async function removeTree(dir: string): Promise<void> {
  await unmountTree(dir);
  await run('rm', ['-rf', '--one-file-system', dir]);
}
