import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import type { Logger } from '../log.js';
import { serverScript } from '../render/scripts.js';
import { shQuote } from './quote.js';
import type { ExecResult } from './types.js';

/**
 * One privileged shell per connection, reused by every root command that needs neither live
 * output nor a streamed stdin: one `sudo` per connection instead of one per command.
 *
 * Protocol (all on the shell channel): the runner writes a header line
 * `TOKEN SHELL TIMEOUT_S SCRIPT_BYTES STDIN_BYTES`, then the script and the stdin bytes. The shell
 * runs `timeout -k 5 T SHELL -c SCRIPT` (exactly as a single command would run: its own process
 * group, killed with its children at the timeout) with stdin from a file in RAM (/dev/shm or /run,
 * mode 0700, emptied after the command: secrets never reach a disk or a command line), stdout and
 * stderr to files, and answers with the command's stdout, `\nTOKEN out`, its stderr and
 * `\nTOKEN rc CODE`. Requests may be written several at once (the shell reads the next one only
 * after answering the previous); a header ending in ` after-ok` asks for that command only if the
 * one before it exited 0, else the answer is `\nTOKEN rc 255 skipped` and nothing runs. The token
 * is fresh per command and never given to it, so nothing the command prints can end or fake an
 * answer. TERM to the shell ends the running command as it ends a single command. Few processes
 * per command (timeout, the shell, one cat; the script is read by bash itself): every fork costs
 * ~1-2 ms.
 * The shell's script is templates/scripts/root_shell.sh.
 */
export function rootShellDriver(killAfterS: number): string {
  return serverScript('root_shell', { kill_after: killAfterS });
}

/** A command's answer; `skipped`: sent with `afterOk` and not run, because the one before it failed. */
export interface RootShellResult {
  code: number;
  stdout: string;
  stderr: string;
  skipped?: true;
}

interface Pending {
  token: string;
  /** The command's stdout, once its end mark came. */
  stdout?: Buffer;
  settle(result: RootShellResult | Error): void;
}

export interface RootShellRun {
  shell: 'sh' | 'bash';
  /** The text as the shell gets it (a script already carries its `set -euo pipefail`). */
  text: string;
  timeoutS: string;
  stdin?: string | Buffer;
  /**
   * Run only if the request before it (in the order sent) exited 0; otherwise answered at once
   * with code 255 and `skipped`. This is what lets a caller send dependent commands together.
   */
  afterOk?: boolean;
}

/** Sent to the shell and not answered: the caller decides whether it timed out or was cancelled. */
export class RootShellLost extends Error {}

export class RootShell {
  private channel: ClientChannel | undefined;
  private opening: Promise<ClientChannel | undefined> | undefined;
  private broken = false;
  private busy = 0;
  private buf = Buffer.alloc(0);
  /** Sent and not yet answered, in the order sent: the shell answers in that order. */
  private pending: Pending[] = [];

  constructor(
    private readonly client: Client,
    /** The command that starts the driver: `sudo -n -- bash -c DRIVER`, or bash alone for root. */
    private readonly startCommand: string,
    private readonly label: string,
    private readonly logger: Logger,
    /** Output kept per stream: the tail, where errors are. */
    private readonly capBytes = 4 * 1024 * 1024
  ) {}

  /** Free for a command now: not running one, and not known to be unusable. */
  get available(): boolean {
    return this.busy === 0 && !this.broken;
  }

  /**
   * Runs one command. Resolves undefined when the shell could not be started (sudo refused, the
   * server has no bash): the caller then runs the command on its own channel, which reports the
   * real reason.
   */
  async run(req: RootShellRun, hooks: { onStarted?: () => void } = {}): Promise<RootShellResult | undefined> {
    return this.runAll([req], hooks)[0]!;
  }

  /**
   * Sends several commands at once, without waiting for one answer before sending the next (one
   * round trip instead of one each); the shell still runs them one after another and answers each
   * in order, so every promise settles when its own command ended. A command with `afterOk` is
   * not run after a failed one. A later call may add to the queue while these run.
   */
  runAll(
    reqs: RootShellRun[],
    hooks: { onStarted?: () => void } = {}
  ): Promise<RootShellResult | undefined>[] {
    this.busy += reqs.length;
    const opened = this.open();
    return reqs.map(async (req) => {
      try {
        const channel = await opened;
        if (!channel) return undefined;
        if (this.broken) throw new RootShellLost('the privileged shell ended');
        const token = randomBytes(12).toString('hex');
        const script = Buffer.from(req.text);
        // The shell reads the script by byte count with bash's read, which drops a NUL uncounted;
        // no shell could take one in a script anyway.
        if (script.includes(0)) throw new Error('a root command holds a NUL byte, which no shell can run');
        const stdin = req.stdin === undefined ? Buffer.alloc(0) : Buffer.from(req.stdin);
        const answer = new Promise<RootShellResult>((resolve, reject) => {
          this.pending.push({
            token,
            settle: (r) => (r instanceof Error ? reject(r) : resolve(r))
          });
        });
        const after = req.afterOk ? ' after-ok' : '';
        channel.write(`${token} ${req.shell} ${req.timeoutS} ${script.length} ${stdin.length}${after}\n`);
        channel.write(script);
        if (stdin.length > 0) channel.write(stdin);
        hooks.onStarted?.();
        return await answer;
      } finally {
        this.busy--;
      }
    });
  }

  /** Ends the running command as TERM ends a single command (the shell passes it on). */
  interrupt(): void {
    try {
      this.channel?.signal('TERM');
    } catch {
      // Not every server honours signal requests; the caller's own deadline closes the shell.
    }
  }

  /** Gives up on the shell (a command that never answered); later commands use their own channels. */
  abandon(why: string): void {
    this.broken = true;
    this.settleAll(new RootShellLost(why));
    this.channel?.close();
  }

  close(): void {
    this.broken = true;
    this.channel?.end();
  }

  /** Starts the shell now (idempotent): its sudo then overlaps whatever the caller waits for. */
  open(): Promise<ClientChannel | undefined> {
    if (this.broken) return Promise.resolve(undefined);
    this.opening ??= new Promise((resolve) => {
      this.client.exec(this.startCommand, (err, channel) => {
        if (err) {
          this.logger.debug(`[${this.label}] no privileged shell: ${err.message}`);
          this.broken = true;
          resolve(undefined);
          return;
        }
        let ready = false;
        let stderr = '';
        channel.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-2000)));
        channel.on('data', (chunk: Buffer) => {
          this.buf = Buffer.concat([this.buf, chunk]);
          if (!ready) {
            const nl = this.buf.indexOf('\n');
            if (nl < 0) return;
            ready = this.buf.subarray(0, nl).toString() === 'ready';
            this.buf = this.buf.subarray(nl + 1);
            if (!ready) {
              this.abandon('the privileged shell did not start');
              resolve(undefined);
              return;
            }
            this.channel = channel;
            resolve(channel);
          }
          this.parse();
        });
        channel.on('close', () => {
          this.broken = true;
          this.channel = undefined;
          if (!ready) {
            this.logger.debug(`[${this.label}] no privileged shell: ${stderr.trim() || 'it ended at once'}`);
            resolve(undefined);
          }
          this.settleAll(new RootShellLost('the privileged shell ended'));
        });
        channel.on('error', () => undefined);
      });
    });
    return this.opening;
  }

  private settleAll(err: Error): void {
    for (const p of this.pending.splice(0)) p.settle(err);
  }

  private parse(): void {
    for (;;) {
      const p = this.pending[0];
      if (!p) {
        // Nothing asked: what the shell said is not an answer to anything (it cannot be).
        this.buf = Buffer.alloc(0);
        return;
      }
      if (p.stdout === undefined) {
        const mark = Buffer.from(`\n${p.token} out\n`);
        const at = this.buf.indexOf(mark);
        if (at < 0) return this.keepTail(mark.length);
        p.stdout = this.buf.subarray(0, at);
        this.buf = this.buf.subarray(at + mark.length);
        continue;
      }
      const mark = Buffer.from(`\n${p.token} rc `);
      const at = this.buf.indexOf(mark);
      if (at < 0) return this.keepTail(mark.length + 16);
      const nl = this.buf.indexOf(0x0a, at + mark.length);
      if (nl < 0) return;
      const [rc, note] = this.buf
        .subarray(at + mark.length, nl)
        .toString()
        .split(' ');
      const stderr = this.buf.subarray(0, at);
      this.buf = this.buf.subarray(nl + 1);
      this.pending.shift();
      const result: RootShellResult = {
        code: Number(rc),
        stdout: this.tail(p.stdout),
        stderr: this.tail(stderr)
      };
      p.settle(note === 'skipped' ? { ...result, skipped: true } : result);
    }
  }

  /** While an output streams in, only its tail (and room for the mark) is kept. */
  private keepTail(markBytes: number): void {
    const keep = this.capBytes + markBytes;
    if (this.buf.length > keep + 65536) this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
  }

  private tail(b: Buffer): string {
    return (b.length > this.capBytes ? b.subarray(b.length - this.capBytes) : b).toString('utf8');
  }
}

/** The command line that starts the privileged shell (no secret in it: only the driver). */
export function rootShellCommand(sudo: boolean, killAfterS: number): string {
  const inner = `bash -c ${shQuote(rootShellDriver(killAfterS))}`;
  return sudo ? `sudo -n -- ${inner}` : inner;
}

export type { ExecResult };
