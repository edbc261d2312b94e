import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * The runner's tar, whichever it is: GNU tar on Linux runners, bsdtar (libarchive) on macOS and
 * Windows ones. Every flag the uploads pass is one both take (-C -c -f -T --null --no-recursion
 * --numeric-owner --exclude=); what differs (how an exclude is anchored, how a listing is
 * printed, a canonical archive only GNU tar writes) asks tarFlavour() first.
 */
export function localTar(args: string[]): ChildProcessByStdio<null, Readable, Readable> {
  return spawn('tar', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // COPYFILE_DISABLE: macOS's bsdtar would add `._name` AppleDouble members for extended attributes.
    env: { ...process.env, LC_ALL: 'C', COPYFILE_DISABLE: '1' }
  });
}

export function noLocalTar(err: Error): Error {
  return new Error(
    `upload: could not run local tar: ${err.message} (the runner needs tar on its PATH: GNU tar or bsdtar)`
  );
}

/** Asked once per PATH (a test, or a workflow step, may put another tar first). */
const flavours = new Map<string, Promise<TarFlavour>>();

export type TarFlavour = 'gnu' | 'bsd';

/** GNU tar or bsdtar (`tar --version`); anything else counts as bsdtar, the smaller common ground. */
export function tarFlavour(): Promise<TarFlavour> {
  const key = process.env.PATH ?? '';
  let known = flavours.get(key);
  if (!known) {
    known = new Promise((resolve) => {
      execFile('tar', ['--version'], { env: { ...process.env, LC_ALL: 'C' } }, (err, stdout) =>
        resolve(!err && /GNU tar/.test(String(stdout)) ? 'gnu' : 'bsd')
      );
    });
    flavours.set(key, known);
  }
  return known;
}

const BLOCK = 512;
/** Header types that describe no member of their own: folders, and pax/GNU extension headers. */
const NOT_A_FILE = new Set(['5', 'x', 'g', 'L', 'K', 'V', 'D', 'M', 'N']);

/**
 * Counts an archive's files (every member but folders) as its bytes stream past, reading only
 * the 512-byte headers: the same count from GNU tar and bsdtar, with no listing to parse.
 */
export class TarMemberCount {
  files = 0;
  private skip = 0;
  private partial = Buffer.alloc(0);

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const need = BLOCK - this.partial.length;
      const take = chunk.subarray(at, at + need);
      at += take.length;
      this.partial = this.partial.length === 0 ? Buffer.from(take) : Buffer.concat([this.partial, take]);
      if (this.partial.length < BLOCK) return;
      this.header(this.partial);
      this.partial = Buffer.alloc(0);
    }
  }

  private header(h: Buffer): void {
    if (h.every((b) => b === 0)) return; // the end-of-archive blocks
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    if (!NOT_A_FILE.has(type)) this.files++;
    const size = headerSize(h);
    // Links and folders carry no data whatever their size field says.
    const data = type === '1' || type === '2' || type === '5' ? 0 : size;
    this.skip = Math.ceil(data / BLOCK) * BLOCK;
  }
}

/** The size field: octal text, or base-256 (high bit set) for members of 8 GiB and more. */
function headerSize(h: Buffer): number {
  const field = h.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}
