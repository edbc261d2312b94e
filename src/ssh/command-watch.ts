import type { Logger } from '../log.js';
import { CancelledError, reasonOf } from '../cancel.js';
import type { ExecResult } from './types.js';

/** The exit code reported for a command killed by its timeout, as coreutils timeout(1) uses. */
export const TIMEOUT_EXIT_CODE = 124;
/**
 * After TERM, the remote timeout(1) waits this long before KILL; the client waits a little more
 * before giving up on the command itself (a server that stopped answering).
 */
export const KILL_AFTER_S = 5;
const CLIENT_GRACE_MS = (KILL_AFTER_S + 10) * 1000;
/**
 * Node fires a timer longer than 2^31-1 ms (~24.8 days) after 1 ms instead: such a command would be
 * "timed out" at once. Anything that long is "no client-side limit"; the server's timeout(1) still
 * holds the real one.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The runner's side of one remote command's life, the same whichever way it travels (an exec
 * channel of its own, or the connection's root shell): its log line, its deadline, its cancel, and
 * how its end is read (timed out, cancelled, or its own exit).
 *
 * The server's timeout(1) ends the command at the deadline; this side only marks the answer as
 * timed out, and gives up on a command that does not end within the grace period after it
 * (`giveUp`: KILL and close a channel, or abandon the shell). A cancel calls `cancel` (TERM and
 * close, or abandon the shell, whose pump then TERMs the command).
 */
export class CommandWatch {
  expired = false;
  aborted = false;
  /** Given up on after the grace period: no exit status will come. */
  forced = false;
  private readonly startedAt = Date.now();
  private expireTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => {
    this.aborted = true;
    this.hooks.cancel();
  };

  constructor(
    private readonly label: string,
    private readonly opts: { timeoutMs: number; signal?: AbortSignal },
    private readonly hooks: { cancel: () => void; giveUp: () => void }
  ) {}

  /** The debug line every command gets: its first line that says something (scripts start with a newline). */
  static log(logger: Logger, label: string, shown: string): void {
    const first = shown.split('\n').find((l) => l.trim() !== '') ?? '';
    logger.debug(`[${label}] $ ${first.length > 200 ? first.slice(0, 200) + '...' : first}`);
  }

  /**
   * Arms the deadline and the cancel; with `now`, a run already cancelled cancels the command at
   * once (a command taking an answer sent ahead keeps that answer).
   */
  start(now = true): void {
    this.expireTimer = setTimeout(
      () => {
        this.expired = true;
        this.graceTimer = setTimeout(() => {
          this.forced = true;
          this.hooks.giveUp();
        }, CLIENT_GRACE_MS);
      },
      Math.min(this.opts.timeoutMs, MAX_TIMER_MS)
    );
    if (this.opts.signal?.aborted) {
      if (now) this.onAbort();
    } else this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  stop(): void {
    clearTimeout(this.expireTimer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.opts.signal?.removeEventListener('abort', this.onAbort);
  }

  /**
   * Whether an end with this exit code (undefined: none came) is the timeout's. The server's
   * timeout(1) may answer before this side's timer has run (a busy event loop fires timers late),
   * so the elapsed time counts as much as the timer.
   */
  timedOut(code: number | undefined): boolean {
    const late = this.expired || Date.now() - this.startedAt >= this.opts.timeoutMs;
    return late && (this.forced || code === undefined || code === 124 || code === 137);
  }

  /** The answer of a command ended by its timeout: its output so far, and a line saying so. */
  timeoutResult(stdout: string, stderr: string): ExecResult {
    const note = `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}[timed out after ${this.opts.timeoutMs} ms]\n`;
    return { code: TIMEOUT_EXIT_CODE, stdout, stderr: stderr + note, timedOut: true };
  }

  /**
   * How the caller gets the command's end, the same whichever way it travelled: a cancel throws,
   * an end at the deadline is a timed-out answer, an end without an exit status (undefined code)
   * throws with `lost()` as the reason.
   */
  outcome(code: number | undefined, stdout: string, stderr: string, lost: () => string): ExecResult {
    if (this.aborted) throw this.cancelled();
    if (this.timedOut(code)) return this.timeoutResult(stdout, stderr);
    if (code === undefined) {
      throw new Error(`${this.label}: the remote command ended without an exit status (${lost()})`);
    }
    return { code, stdout, stderr, timedOut: false };
  }

  cancelled(): CancelledError {
    const signal = this.opts.signal;
    return new CancelledError(
      `${this.label}: the run was cancelled (${signal ? reasonOf(signal) : ''}); the remote command was stopped`
    );
  }
}
