// Both ways a command reaches the server meet here: its own exec channel (exec-channel.ts) or the
// connection's root shell (root-shell.ts, with requests sent ahead in send-ahead.ts). Their timeout,
// cancel, log line and reading of the end are one code path, CommandWatch (command-watch.ts).
import { Readable, type Duplex } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import type { Client } from 'ssh2';
import type { Logger } from '../log.js';
import { CommandWatch, KILL_AFTER_S } from './command-watch.js';
import {
  DEFAULT_EXEC_TIMEOUT_MS,
  MAX_COMMAND_BYTES,
  OUTPUT_CAP_BYTES,
  shellText,
  timeoutSeconds,
  wrapCommand
} from './command-text.js';
import { runOnChannel } from './exec-channel.js';
import { SendAhead } from './send-ahead.js';
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
import { RootShell, RootShellLost, rootShellCommand, type RootShellResult } from './root-shell.js';

export { DEFAULT_EXEC_TIMEOUT_MS, OUTPUT_CAP_BYTES, wrapCommand } from './command-text.js';
export { TIMEOUT_EXIT_CODE } from './command-watch.js';
/** A watch for a command refused before it started: only its cancelled() is asked. */
const NO_HOOKS = { cancel: (): void => undefined, giveUp: (): void => undefined };

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
  /** Requests queued to go with the next root-shell request, and the answers of those sent ahead. */
  private readonly sendAhead = new SendAhead();

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
    this.sendAhead.queue(text, opts, kind);
  }

  sendNextTogether(parts: QueuedRequest[]): void {
    this.sendAhead.queueTogether(parts);
  }

  /**
   * A cancelled run: nothing queued goes, and requests sent ahead that have not answered yet are
   * stopped (the root shell's channel closes; its pump ends the running command, and the rest is
   * not run). Later commands take channels of their own.
   */
  cancelQueued(): void {
    this.sendAhead.dropQueued();
    if (this.sendAhead.pending) this.shell?.abandon('cancelled');
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
    let taken = opts.sudo ? this.sendAhead.take(shell, text, timeoutS, opts.stdin) : undefined;
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
    const next = taken || !opts.carry ? [] : this.sendAhead.takeQueued();
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
        this.sendAhead.expect(next, answers.slice(1));
      }
      const res = await answer;
      // The shell could not start: nothing was sent. The caller runs it on its own channel, and so
      // does each request queued with it when asked for (its answer is undefined too).
      if (!res) return undefined;
      const out = watch.outcome(res.code, res.stdout, res.stderr, () => '');
      // A group's part carries how long it ran on the server (serverMs).
      return out.timedOut ? out : { ...res, timedOut: false };
    } catch (err) {
      if (!(err instanceof RootShellLost)) throw err;
      return watch.outcome(undefined, '', '', () => this.lastError?.message ?? err.message);
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
    return runOnChannel(
      { client: this.client(), label: this.label, logger: this.logger, lastError: () => this.lastError },
      command,
      opts
    );
  }
}
