// Over 300 lines still: both ways a command reaches the server (its own exec channel, or the
// connection's root shell) live here; their timeout, cancel and log line are one code path in
// command-watch.ts, and the root shell's protocol is in root-shell.ts.
import { constants as osConstants } from 'node:os';
import { Readable, type Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { NodeSSH } from 'node-ssh';
import type { Client, ClientChannel } from 'ssh2';
import type { Logger } from '../log.js';
import { CommandWatch, KILL_AFTER_S } from './command-watch.js';
import { fenceToken, LineSplitter, TailBuffer } from './output.js';
import { shQuote } from './quote.js';
import type {
  ExecOptions,
  ExecResult,
  QueuedRequest,
  Remote,
  SshTarget,
  UploadOptions,
  UploadResult
} from './types.js';
import { uploadDirectory } from './upload.js';
import { splitTogether, togetherScript } from './together.js';
import {
  RootShell,
  RootShellLost,
  rootShellCommand,
  type RootShellResult,
  type RootShellRun
} from './root-shell.js';

export const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;
/** Stored stdout/stderr per command; the tail is kept, where errors are. */
export const OUTPUT_CAP_BYTES = 4 * 1024 * 1024;
export { TIMEOUT_EXIT_CODE } from './command-watch.js';
/** A watch for a command refused before it started: only its cancelled() is asked. */
const NO_HOOKS = { cancel: (): void => undefined, giveUp: (): void => undefined };
/**
 * sshd hands the command to the login shell as ONE argument, and Linux caps one argument at
 * 128 KiB (MAX_ARG_STRLEN); fail with a clear message instead of an E2BIG from the server.
 */
const MAX_COMMAND_BYTES = 128 * 1024 - 1024;

/** Seconds for timeout(1): decimals allowed, never 0 (which would mean "no timeout"). */
function timeoutSeconds(ms: number): string {
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

/** A root-shell request sent with an earlier one, to run right after it only if it succeeded. */
type AheadRequest = Omit<RootShellRun, 'afterOk'> & {
  /** A group (togetherScript): the requests whose answers its answer holds, in its order. */
  parts?: Omit<RootShellRun, 'afterOk'>[];
};

/**
 * What the server's shell runs for a command line (sh) or a script (bash with `set -euo pipefail`):
 * one definition, since a request queued ahead is matched by exactly this text.
 */
function shellText(kind: 'script' | 'exec', text: string): { shell: 'sh' | 'bash'; body: string } {
  return kind === 'script'
    ? { shell: 'bash', body: `set -euo pipefail\n${text}` }
    : { shell: 'sh', body: text };
}

/**
 * A Remote over one authenticated SSH connection: root commands through its root shell, streams,
 * builds and non-root commands on exec channels of their own.
 */
export class SshRemote implements Remote {
  readonly label: string;
  private closed = false;
  private lastError: Error | undefined;
  private trips = 0;
  private waited = 0;
  private shell: RootShell | undefined;
  /** Commands to send with the next root-shell request, each to run only if the one before succeeds. */
  private next: AheadRequest[] = [];
  /**
   * Sent ahead with an earlier request, in the order sent; the call with the very same text, shell,
   * timeout and stdin takes its answer (and drops those before it, which the caller went past).
   */
  private ahead: (AheadRequest & { answer: Promise<RootShellResult | undefined> })[] = [];
  /** Requests sent ahead whose answers have not come yet: running, or waiting their turn, on the server. */
  private unanswered = 0;

  constructor(
    private readonly ssh: NodeSSH,
    private readonly target: SshTarget,
    private readonly logger: Logger,
    label?: string
  ) {
    this.label = label ?? target.host;
    const client = this.client();
    // Without a listener, a late socket error (reset, keepalive timeout) would crash the process.
    client.on('error', (err: Error) => {
      this.lastError = err;
      this.logger.debug(`[${this.label}] ssh connection error: ${err.message}`);
    });
    client.on('close', () => {
      this.closed = true;
    });
  }

  private client(): Client {
    const client = this.ssh.connection;
    if (!client) throw new Error(`${this.label}: not connected`);
    return client;
  }

  private get needsSudo(): boolean {
    return this.target.user !== 'root';
  }

  /** Requests made to the server so far: exec channels, and commands sent to the privileged shell. */
  get roundTrips(): number {
    return this.trips;
  }

  /** Requests whose answer the runner waited for before it could send another: sent-ahead ones are not. */
  get waits(): number {
    return this.waited;
  }

  sendNext(text: string, opts: ExecOptions = {}, kind: 'script' | 'exec' = 'script'): void {
    const req = this.queueable(text, opts, kind);
    if (req) this.next.push(req);
  }

  sendNextTogether(parts: QueuedRequest[]): void {
    const reqs = parts.map((p) => this.queueable(p.text, p.opts, p.kind ?? 'script'));
    if (reqs.some((r) => !r || r.stdin !== undefined)) return;
    const ok = reqs as AheadRequest[];
    const text = togetherScript(
      ok.map((r, i) => ({ shell: r.shell, text: r.text, background: parts[i]!.background }))
    );
    if (Buffer.byteLength(text) > MAX_COMMAND_BYTES) return;
    const seconds = ok.reduce((n, r) => n + Number(r.timeoutS), 0);
    this.next.push({ shell: 'bash', text, timeoutS: String(seconds), parts: ok });
  }

  private queueable(text: string, opts: ExecOptions, kind: 'script' | 'exec'): AheadRequest | undefined {
    if (!opts.sudo || opts.stream || opts.onStdout || opts.stdin instanceof Readable) return undefined;
    const { shell, body } = shellText(kind, text);
    if (Buffer.byteLength(body) > MAX_COMMAND_BYTES) return undefined;
    return {
      shell,
      text: body,
      timeoutS: timeoutSeconds(opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS),
      stdin: opts.stdin as string | Buffer | undefined
    };
  }

  /**
   * A cancelled run: nothing queued goes, and requests sent ahead that have not answered yet are
   * stopped (the root shell's channel closes; its pump ends the running command, and the rest is
   * not run). Later commands take channels of their own.
   */
  cancelQueued(): void {
    this.next = [];
    if (this.unanswered > 0) this.shell?.abandon('cancelled');
  }

  /** The sent-ahead request this call is, if any: it and those before it leave the list. */
  private takeAhead(
    shell: 'sh' | 'bash',
    text: string,
    timeoutS: string,
    stdin: unknown
  ): Promise<RootShellResult | undefined> | undefined {
    const same = (a: Buffer | string | undefined, b: unknown): boolean =>
      (a === undefined && b === undefined) ||
      ((typeof b === 'string' || Buffer.isBuffer(b)) &&
        a !== undefined &&
        Buffer.from(a).equals(Buffer.from(b)));
    const at = this.ahead.findIndex(
      (a) => a.shell === shell && a.text === text && a.timeoutS === timeoutS && same(a.stdin, stdin)
    );
    if (at < 0) return undefined;
    const taken = this.ahead[at]!;
    this.ahead = this.ahead.slice(at + 1);
    return taken.answer;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.command('exec', command, opts);
  }

  async script(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.command('script', script, opts);
  }

  private async command(kind: 'script' | 'exec', text: string, opts: ExecOptions): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    // A script travels as a quoted argument, not on stdin, so stdin stays free for data.
    const { shell, body } = shellText(kind, text);
    const viaShell = await this.viaShell(shell, body, text, { ...opts, timeoutMs });
    if (viaShell) return viaShell;
    const wrapped = wrapCommand(shell, body, { timeoutMs, sudo: !!opts.sudo && this.needsSudo });
    return this.run(wrapped, text, { ...opts, timeoutMs });
  }

  /**
   * A root command that needs no live output and no streamed stdin goes to the connection's
   * privileged shell when it is free (one `sudo` per connection instead of one per command).
   * Undefined: run it on its own channel (not eligible, the shell is busy, or it could not start).
   */
  private async viaShell(
    shell: 'sh' | 'bash',
    text: string,
    shown: string,
    opts: ExecOptions & { timeoutMs: number }
  ): Promise<ExecResult | undefined> {
    const timeoutS = timeoutSeconds(opts.timeoutMs);
    let taken = opts.sudo ? this.takeAhead(shell, text, timeoutS, opts.stdin) : undefined;
    // Not run because one sent before it failed, and the caller went on all the same: run it now,
    // as if it had never been sent ahead (on its own channel if it asks for one).
    if (taken && (await taken.catch(() => undefined))?.skipped) taken = undefined;
    const eligible = opts.sudo && !opts.ownChannel && !opts.stream && !opts.onStdout;
    if (!taken && (!eligible || opts.stdin instanceof Readable)) return undefined;
    if (!taken && (this.closed || opts.signal?.aborted)) return undefined;
    if (Buffer.byteLength(text) > MAX_COMMAND_BYTES) return undefined;
    const sh = this.rootShell();
    if (!taken && !sh.available) return undefined;
    // Queued requests go only with the request meant to carry them, never with one a failure path
    // sends instead (a history line after a refusal must not bring a switch with it).
    const next = taken || !opts.carry ? [] : this.next.splice(0);
    CommandWatch.log(this.logger, this.label, shown);
    // A cancel closes the shell's channel: its pump then TERMs the running command, and nothing
    // queued after it runs; later commands of the run (a rollback) take channels of their own.
    const watch = new CommandWatch(this.label, opts, {
      cancel: () => sh.abandon('cancelled'),
      giveUp: () => sh.abandon('timed out')
    });
    watch.start(false);
    try {
      let answer: Promise<RootShellResult | undefined>;
      if (taken) {
        // Sent with a request before it: its answer is this command's.
        answer = taken;
      } else {
        const req = { shell, text, timeoutS, stdin: opts.stdin as string | Buffer | undefined };
        const reqs = [req, ...next.map((n) => ({ ...n, afterOk: true }))];
        let sent = 0;
        const answers = sh.runAll(reqs, {
          onStarted: () => {
            this.trips++;
            if (sent++ === 0) this.waited++;
          }
        });
        answer = answers[0]!;
        next.forEach((n, i) => {
          const later = answers[i + 1]!;
          // Nobody may ever ask for it (one before it failed): its end must not be an unhandled rejection.
          later.catch(() => undefined);
          this.unanswered++;
          void later.finally(() => this.unanswered--).catch(() => undefined);
          if (!n.parts) {
            this.ahead.push({ ...n, answer: later });
            return;
          }
          // A group: each of its requests takes its own part of the group's answer.
          const count = n.parts.length;
          const split = later.then((r) =>
            r?.skipped ? n.parts!.map(() => r) : r ? splitTogether(r, count) : undefined
          );
          split.catch(() => undefined);
          n.parts.forEach((part, k) => {
            const answer = split.then((all) => all?.[k]);
            answer.catch(() => undefined);
            this.ahead.push({ ...part, answer });
          });
        });
      }
      const res = await answer;
      // The shell could not start: nothing was sent. The caller runs it on its own channel, and so
      // does each request queued with it when asked for (its answer is undefined too).
      if (!res) return undefined;
      if (watch.aborted) throw watch.cancelled();
      if (watch.timedOut(res.code)) return watch.timeoutResult(res.stdout, res.stderr);
      return { ...res, timedOut: false };
    } catch (err) {
      if (!(err instanceof RootShellLost)) throw err;
      if (watch.aborted) throw watch.cancelled();
      if (watch.expired) return watch.timeoutResult('', '');
      const why = this.lastError?.message ?? err.message;
      throw new Error(`${this.label}: the remote command ended without an exit status (${why})`);
    } finally {
      watch.stop();
    }
  }

  private rootShell(): RootShell {
    this.shell ??= new RootShell(
      this.client(),
      rootShellCommand(this.needsSudo, KILL_AFTER_S),
      this.label,
      this.logger,
      OUTPUT_CAP_BYTES
    );
    return this.shell;
  }

  warm(): void {
    if (this.closed) return;
    void this.rootShell().open();
  }

  async upload(localDir: string, remoteDir: string, opts: UploadOptions): Promise<UploadResult> {
    return uploadDirectory(this, localDir, remoteDir, opts, this.logger);
  }

  async close(): Promise<void> {
    const client = this.ssh.connection;
    this.shell?.close();
    if (client && !this.closed) await this.end(client);
    this.closed = true;
    for (const hook of this.closeHooks.splice(0)) await hook().catch(() => undefined);
  }

  private end(client: Client): Promise<void> {
    return new Promise<void>((resolve) => {
      // A graceful end waits for queued data to flush, which a stuck channel may never allow:
      // after a moment the socket is destroyed, which also settles every command still running.
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ssh.dispose();
    });
  }

  private closeHooks: (() => Promise<void>)[] = [];

  /** Runs after this connection is closed (a bastion connection closes with the one it carries). */
  onClose(hook: () => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  /** A TCP stream to host:port opened from this server (direct-tcpip), for reaching hosts behind it. */
  forward(host: string, port: number): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.client().forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        if (err) reject(new Error(`${this.label}: cannot forward to ${host}:${port}: ${err.message}`));
        else resolve(stream);
      });
    });
  }

  /** Cuts the connection at once, as a network failure would (fault-injection tests use it). */
  drop(): void {
    this.ssh.connection?.destroy();
  }

  private run(
    command: string,
    shown: string,
    opts: ExecOptions & { timeoutMs: number }
  ): Promise<ExecResult> {
    if (this.closed) {
      return Promise.reject(
        new Error(
          `${this.label}: the SSH connection is closed${this.lastError ? ` (${this.lastError.message})` : ''}`
        )
      );
    }
    if (Buffer.byteLength(command) > MAX_COMMAND_BYTES) {
      return Promise.reject(
        new Error(
          `${this.label}: remote command is ${Buffer.byteLength(command)} bytes, over the ~128 KiB a server ` +
            'accepts as one command: send large content via stdin or upload'
        )
      );
    }
    if (opts.signal?.aborted) return Promise.reject(new CommandWatch(this.label, opts, NO_HOOKS).cancelled());
    this.trips++;
    if (!opts.alongside) this.waited++;
    CommandWatch.log(this.logger, this.label, shown);

    const client = this.client();
    const stdout = new TailBuffer(OUTPUT_CAP_BYTES);
    const stderr = new TailBuffer(OUTPUT_CAP_BYTES);
    const token = fenceToken();
    const prefix = `[${this.label}] `;
    const print = (line: string): void => this.logger.info(prefix + line);
    const outLines = opts.stream ? new LineSplitter(print) : undefined;
    const errLines = opts.stream ? new LineSplitter(print) : undefined;
    // Everything the server prints is inert between these lines: it cannot issue workflow commands
    // (::add-mask::, ::set-output::...) because it cannot guess the token. The logger's printer
    // knows the token as one it issued (see RunnerPrinter), so the fence is printed as it is.
    if (opts.stream) this.logger.info(`::stop-commands::${token}`);
    const endFence = (): void => {
      if (!opts.stream) return;
      outLines?.flush();
      errLines?.flush();
      this.logger.info(`::${token}::`);
    };

    return new Promise<ExecResult>((resolve, reject) => {
      // ssh2 never calls back an exec on a connection that closes before the channel opens.
      const closedBeforeStart = (): void => {
        endFence();
        reject(new Error(`${this.label}: the connection was lost before the remote command started`));
      };
      client.once('close', closedBeforeStart);
      client.exec(command, (err, channel: ClientChannel) => {
        client.removeListener('close', closedBeforeStart);
        if (err) {
          endFence();
          reject(new Error(`${this.label}: could not start a remote command: ${err.message}`));
          return;
        }
        let exitCode: number | undefined;
        let channelError: Error | undefined;
        const signal = (name: 'TERM' | 'KILL'): void => {
          try {
            channel.signal(name);
          } catch {
            // Not every server honours signal requests; closing the channel is the fallback.
          }
          channel.close();
        };
        // Cancelled: TERM to the remote command (sudo passes it on to timeout(1), which ends the
        // script's process group), then the channel closes; the remote loops have their own
        // deadlines besides, for a server that ignores signal requests. Given up on after the
        // deadline and its grace: KILL, and the channel closes.
        const watch = new CommandWatch(this.label, opts, {
          cancel: () => signal('TERM'),
          giveUp: () => signal('KILL')
        });

        // Decoded across chunk borders, so a caller never sees half a UTF-8 character.
        const stdoutDecoder = opts.onStdout ? new StringDecoder('utf8') : undefined;
        // A throwing callback must not take the process down from inside a stream event.
        const callOnStdout = (text: string): void => {
          try {
            opts.onStdout?.(text);
          } catch (e) {
            this.logger.warning(`[${this.label}] onStdout callback failed: ${(e as Error).message}`);
          }
        };
        channel.on('data', (chunk: Buffer) => {
          stdout.push(chunk);
          outLines?.push(chunk);
          const text = stdoutDecoder?.write(chunk);
          if (text) callOnStdout(text);
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          stderr.push(chunk);
          errLines?.push(chunk);
        });
        channel.on('error', (e: Error) => {
          channelError = e;
        });
        channel.on('exit', (code: number | null, signal?: string) => {
          if (typeof code === 'number') {
            exitCode = code;
          } else if (signal) {
            // ssh2 reports "SIGKILL"; a shell would say 128 + 9.
            const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals;
            exitCode = 128 + (osConstants.signals[name] ?? 0);
          }
        });

        const stdin = opts.stdin;
        if (stdin instanceof Readable) {
          stdin.on('error', (e: Error) => {
            channelError = e;
            channel.close();
          });
          stdin.pipe(channel);
        } else if (stdin !== undefined) {
          channel.end(stdin);
        } else {
          // EOF at once: a command that reads stdin (cat, an apt prompt) ends instead of hanging.
          channel.end();
        }

        let finished = false;
        const finish = (): void => {
          if (finished) return;
          finished = true;
          client.removeListener('close', finish);
          watch.stop();
          if (stdin instanceof Readable) stdin.unpipe(channel);
          const restOfStdout = stdoutDecoder?.end();
          if (restOfStdout) callOnStdout(restOfStdout);
          endFence();
          if (watch.aborted) {
            reject(watch.cancelled());
            return;
          }
          if (watch.timedOut(exitCode)) {
            resolve(watch.timeoutResult(stdout.text(), stderr.text()));
            return;
          }
          if (exitCode === undefined) {
            const why = channelError?.message ?? this.lastError?.message ?? 'the connection was lost';
            reject(new Error(`${this.label}: the remote command ended without an exit status (${why})`));
            return;
          }
          resolve({ code: exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut: false });
        };
        channel.on('close', finish);
        watch.start();
        // A connection that drops mid-command does not always close its channels (seen with a
        // large stdin stream in flight): settle on the connection's close too.
        client.once('close', finish);
      });
    });
  }
}
