import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's bsdtar (libarchive-tools): the tar of macOS and Windows runners. */
export const BSDTAR = ['/usr/bin/bsdtar', '/bin/bsdtar'].find((p) => existsSync(p));

/** A folder, made under parent, whose `tar` is bsdtar: put it first on PATH. */
export function bsdtarBin(parent: string): string {
  if (!BSDTAR) throw new Error('bsdtar is missing: install libarchive-tools (scripts/test-deps.sh)');
  const bin = join(parent, 'bsdtar-bin');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(join(bin, 'tar'))) symlinkSync(BSDTAR, join(bin, 'tar'));
  return bin;
}
