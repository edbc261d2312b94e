import { constants as osConstants } from 'node:os';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import type { Logger } from '../log.js';
import { CommandWatch } from './command-watch.js';
import { OUTPUT_CAP_BYTES } from './command-text.js';
import { fenceToken, LineSplitter, TailBuffer } from './output.js';
import type { ExecOptions, ExecResult } from './types.js';

/** What a command on its own channel needs from the connection it runs on. */
export interface ChannelContext {
  client: Client;
  label: string;
  logger: Logger;
  /** The connection's last error, named when a command ends without an exit status. */
  lastError: () => Error | undefined;
}

/**
 * Runs one command line on an exec channel of its own: streamed stdin and live output are
 * possible here (not through the root shell). The deadline, the cancel and how the end is read
 * are CommandWatch's, as for the root shell; this side only says what TERM, KILL and close mean
 * for a channel.
 */
export function runOnChannel(
  ctx: ChannelContext,
  command: string,
  opts: ExecOptions & { timeoutMs: number }
): Promise<ExecResult> {
  const { client, label, logger } = ctx;
  const stdout = new TailBuffer(OUTPUT_CAP_BYTES);
  const stderr = new TailBuffer(OUTPUT_CAP_BYTES);
  const token = fenceToken();
  const print = (line: string): void => logger.info(`[${label}] ${line}`);
  const outLines = opts.stream ? new LineSplitter(print) : undefined;
  const errLines = opts.stream ? new LineSplitter(print) : undefined;
  // Everything the server prints is inert between these lines: it cannot issue workflow commands
  // (::add-mask::, ::set-output::...) because it cannot guess the token. The logger's printer
  // knows the token as one it issued (see RunnerPrinter), so the fence is printed as it is.
  if (opts.stream) logger.info(`::stop-commands::${token}`);
  const endFence = (): void => {
    if (!opts.stream) return;
    outLines?.flush();
    errLines?.flush();
    logger.info(`::${token}::`);
  };

  return new Promise<ExecResult>((resolve, reject) => {
    // ssh2 never calls back an exec on a connection that closes before the channel opens.
    const closedBeforeStart = (): void => {
      endFence();
      reject(new Error(`${label}: the connection was lost before the remote command started`));
    };
    client.once('close', closedBeforeStart);
    client.exec(command, (err, channel: ClientChannel) => {
      client.removeListener('close', closedBeforeStart);
      if (err) {
        endFence();
        reject(new Error(`${label}: could not start a remote command: ${err.message}`));
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
      const watch = new CommandWatch(label, opts, {
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
          logger.warning(`[${label}] onStdout callback failed: ${(e as Error).message}`);
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
        try {
          resolve(
            watch.outcome(
              exitCode,
              stdout.text(),
              stderr.text(),
              () => channelError?.message ?? ctx.lastError()?.message ?? 'the connection was lost'
            )
          );
        } catch (e) {
          reject(e as Error);
        }
      };
      channel.on('close', finish);
      watch.start();
      // A connection that drops mid-command does not always close its channels (seen with a
      // large stdin stream in flight): settle on the connection's close too.
      client.once('close', finish);
    });
  });
}
