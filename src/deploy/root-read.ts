import { serverProgram } from '../render/scripts.js';
import { shQuote } from '../ssh/quote.js';

/**
 * How root reads a file that the app's user (or the build user) can name or replace: opened once,
 * relative to a folder itself opened without following a link, with O_NOFOLLOW (a link is
 * refused, not followed), O_NONBLOCK (a FIFO never blocks the open) and O_NOCTTY; then fstat on
 * that descriptor must show a regular file with one link (a hardlink to a root file is refused)
 * owned by the expected user, and every byte read after comes from that descriptor, at most the
 * size fstat saw, within a deadline. Python's os module gives exactly these calls (bash and
 * coreutils follow links or block on FIFOs), and python3 is on every server that runs the app.
 *
 * Commands (argv after the program):
 *   list DIR OWNER CHECKER PATTERN...
 *                               one `backup\tNAME\tMTIME\tSIZE\tSHA256\tINTEGRITY` line per name
 *                               matching a PATTERN (fnmatch); a refused one has no checksum and
 *                               the integrity `refused: why`. Gzip that does not unpack completely
 *                               fails closed. Each file is checked as a private copy, by CHECKER
 *                               (the app's user: SQLite never parses the app's bytes as root).
 *   newest DIR OWNER PATTERN... the newest acceptable name (by mtime), or nothing
 *   cat DIR NAME OWNER          the bytes as base64 on stdout, then `sha256=HEX` on stderr
 *   copy DIR NAME OWNER DEST raw|gzip|gunzip [MODE [db]]
 *                               a new DEST (O_EXCL, never through a link), mtime kept (at most now);
 *                               db: a WAL database's header set to rollback mode (opens read-only)
 *   move DIR OWNER DEST PATTERN... copy every acceptable match (not dated in the future) into DEST
 *                               (same name), then remove the original; refused ones stay, named on
 *                               stderr
 * OWNER is a user name or a numeric uid. Exit 0, or 2 with the reason on stderr (5: not found).
 * The program is templates/scripts/root_read.py.
 */
export function rootReadProgram(): string {
  return serverProgram('root_read');
}

/** The shell words that run the program as root: isolated (-I: no PYTHON* variables, no user site). */
export function rootRead(...args: string[]): string {
  return `python3 -I -c ${shQuote(rootReadProgram())} ${args.join(' ')}`;
}
