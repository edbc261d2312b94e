import { KILL_AFTER_S } from './command-watch.js';
import { shQuote } from './quote.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
/** Stored stdout/stderr per command; the tail is kept, where errors are. */
export const OUTPUT_CAP_BYTES = 4 * 1024 * 1024;
/**
 * sshd hands the command to the login shell as ONE argument, and Linux caps one argument at
 * 128 KiB (MAX_ARG_STRLEN); fail with a clear message instead of an E2BIG from the server.
 */
export const MAX_COMMAND_BYTES = 128 * 1024 - 1024;

/** Seconds for timeout(1): decimals allowed, never 0 (which would mean "no timeout"). */
export function timeoutSeconds(ms: number): string {
  return String(Math.max(ms, 1) / 1000);
}

/**
 * Wraps a shell text so that the server itself enforces the timeout and the privilege change.
 * timeout(1) puts the command in its own process group and signals the whole group, so a
 * timed-out `pip install` is really gone, children included (closing the channel alone leaves
 * orphans running). It runs inside sudo so that it may kill root's processes.
 */
export function wrapCommand(
  shell: 'sh' | 'bash',
  text: string,
  opts: { timeoutMs: number; sudo: boolean }
): string {
  const inner = `timeout -k ${KILL_AFTER_S} ${timeoutSeconds(opts.timeoutMs)} ${shell} -c ${shQuote(text)}`;
  return opts.sudo ? `sudo -n -- ${inner}` : inner;
}

/**
 * What the server's shell runs for a command line (sh) or a script (bash with `set -euo pipefail`):
 * one definition, since a request queued ahead is matched by exactly this text.
 */
export function shellText(kind: 'script' | 'exec', text: string): { shell: 'sh' | 'bash'; body: string } {
  return kind === 'script'
    ? { shell: 'bash', body: `set -euo pipefail\n${text}` }
    : { shell: 'sh', body: text };
}
