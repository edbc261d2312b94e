import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import type { Logger } from '../log.js';
import { shQuote } from './quote.js';
import type { ExecResult } from './types.js';

/**
 * One privileged shell per connection, reused by every root command that needs neither live
 * output nor a streamed stdin. A new exec channel plus `sudo` costs ~0.1 s even for a command that
 * does nothing; a command sent to this shell costs one request and its answer (~a few ms).
 *
 * Protocol (all on the shell channel): the runner writes a header line
 * `TOKEN SHELL TIMEOUT_S SCRIPT_BYTES STDIN_BYTES`, then the script and the stdin bytes. The shell
 * runs `timeout -k 5 T SHELL -c SCRIPT` (exactly as a single command would run, its own process
 * group, killed with its children at the timeout) with stdin from a file in /dev/shm (RAM, mode
 * 0700, removed after the command: secrets never reach a disk or a command line), stdout and
 * stderr to files, and answers `TOKEN pid PID`, then `TOKEN rc CODE OUT_BYTES ERR_BYTES` and the
 * two outputs' tails. The token is fresh per command, so nothing the command prints can fake an
 * answer. TERM to the shell (a cancelled run) ends the running command the way TERM to a single
 * command does.
 */
export function rootShellDriver(capBytes: number, killAfterS: number): string {
  // Fresh output files per command: a process a command left running that still holds its
  // stdout writes into a removed file, never into the next command's answer.
  // The folder is in RAM (tmpfs) or the shell does not start: stdin (secrets) never touches a disk.
  return `d=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p /run 2>/dev/null) || exit 1
trap 'rm -rf -- "$d"' EXIT
pid=""
n=0
trap '[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null' TERM
echo ready
while IFS=' ' read -r tok sh tmo slen ilen; do
  case "$sh" in sh|bash) ;; *) exit 2 ;; esac
  n=$((n + 1)); o="$d/o$n"; e="$d/e$n"
  head -c "$slen" > "$d/s"
  head -c "$ilen" > "$d/i"
  timeout -k ${killAfterS} "$tmo" "$sh" -c "$(cat -- "$d/s")" < "$d/i" > "$o" 2> "$e" &
  pid=$!
  printf '%s pid %s\\n' "$tok" "$pid"
  wait "$pid"; rc=$?
  # A TERM (cancel) interrupts wait: wait again for the command's own end.
  while kill -0 "$pid" 2>/dev/null; do wait "$pid"; rc=$?; done
  pid=""
  : > "$d/i"
  ol=$(stat -c %s "$o"); el=$(stat -c %s "$e")
  [ "$ol" -le ${capBytes} ] || ol=${capBytes}
  [ "$el" -le ${capBytes} ] || el=${capBytes}
  printf '%s rc %s %s %s\\n' "$tok" "$rc" "$ol" "$el"
  tail -c "$ol" "$o"
  tail -c "$el" "$e"
  rm -f -- "$o" "$e"
done`;
}

interface Pending {
  token: string;
  /** Bytes of stdout + stderr still to come after the rc line, once it was read. */
  body?: { code: number; out: number; err: number };
  settle(result: { code: number; stdout: string; stderr: string } | Error): void;
}

export interface RootShellRun {
  shell: 'sh' | 'bash';
  /** The text as the shell gets it (a script already carries its `set -euo pipefail`). */
  text: string;
  timeoutS: string;
  stdin?: string | Buffer;
}

/** Sent to the shell and not answered: the caller decides whether it timed out or was cancelled. */
export class RootShellLost extends Error {}

export class RootShell {
  private channel: ClientChannel | undefined;
  private opening: Promise<ClientChannel | undefined> | undefined;
  private broken = false;
  private busy = false;
  private buf = Buffer.alloc(0);
  private pending: Pending | undefined;

  constructor(
    private readonly client: Client,
    /** The command that starts the driver: `sudo -n -- bash -c DRIVER`, or bash alone for root. */
    private readonly startCommand: string,
    private readonly label: string,
    private readonly logger: Logger
  ) {}

  /** Free for a command now: not running one, and not known to be unusable. */
  get available(): boolean {
    return !this.busy && !this.broken;
  }

  /**
   * Runs one command. Resolves undefined when the shell could not be started (sudo refused, the
   * server has no bash): the caller then runs the command on its own channel, which reports the
   * real reason.
   */
  async run(
    req: RootShellRun,
    hooks: { onStarted?: () => void } = {}
  ): Promise<{ code: number; stdout: string; stderr: string } | undefined> {
    this.busy = true;
    try {
      const channel = await this.open();
      if (!channel) return undefined;
      const token = randomBytes(12).toString('hex');
      const script = Buffer.from(req.text);
      const stdin = req.stdin === undefined ? Buffer.alloc(0) : Buffer.from(req.stdin);
      const answer = new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
        this.pending = {
          token,
          settle: (r) => {
            this.pending = undefined;
            if (r instanceof Error) reject(r);
            else resolve(r);
          }
        };
      });
      channel.write(`${token} ${req.shell} ${req.timeoutS} ${script.length} ${stdin.length}\n`);
      channel.write(script);
      if (stdin.length > 0) channel.write(stdin);
      hooks.onStarted?.();
      return await answer;
    } finally {
      this.busy = false;
    }
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
    this.pending?.settle(new RootShellLost(why));
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
          this.pending?.settle(new RootShellLost('the privileged shell ended'));
        });
        channel.on('error', () => undefined);
      });
    });
    return this.opening;
  }

  private parse(): void {
    for (;;) {
      const p = this.pending;
      if (!p) {
        // Nothing asked: what the shell said is not an answer to anything (it cannot be).
        this.buf = Buffer.alloc(0);
        return;
      }
      if (p.body) {
        const need = p.body.out + p.body.err;
        if (this.buf.length < need) return;
        const stdout = this.buf.subarray(0, p.body.out).toString('utf8');
        const stderr = this.buf.subarray(p.body.out, need).toString('utf8');
        this.buf = this.buf.subarray(need);
        p.settle({ code: p.body.code, stdout, stderr });
        continue;
      }
      const nl = this.buf.indexOf('\n');
      if (nl < 0) return;
      const line = this.buf.subarray(0, nl).toString();
      this.buf = this.buf.subarray(nl + 1);
      const m = new RegExp(`^${p.token} rc (\\d+) (\\d+) (\\d+)$`).exec(line);
      if (m) p.body = { code: Number(m[1]), out: Number(m[2]), err: Number(m[3]) };
    }
  }
}

/** The command line that starts the privileged shell (no secret in it: only the driver). */
export function rootShellCommand(sudo: boolean, capBytes: number, killAfterS: number): string {
  const inner = `bash -c ${shQuote(rootShellDriver(capBytes, killAfterS))}`;
  return sudo ? `sudo -n -- ${inner}` : inner;
}

export type { ExecResult };
