/**
 * Quotes one value for a POSIX shell: the result is always a single word that the remote shell
 * turns back into exactly these bytes, whatever they are ($(), backticks, globs, newlines, a
 * leading dash...). Every value interpolated into a remote command goes through here.
 *
 * Inside single quotes nothing is special except the closing quote itself, so each `'` becomes
 * `'"'"'` (close, a double-quoted quote, reopen). A NUL byte cannot be passed in an argv string at
 * all (C strings end there), so it is refused rather than silently truncated.
 */
export function shQuote(value: string): string {
  if (value.includes('\0')) {
    throw new Error('cannot quote a value containing a NUL byte for a shell command');
  }
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** Quotes each value and joins them with spaces: a ready-made argument list. */
export function shJoin(values: readonly string[]): string {
  return values.map(shQuote).join(' ');
}
