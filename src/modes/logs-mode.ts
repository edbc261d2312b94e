import { PassThrough } from 'node:stream';
import type { ModeStrategy } from './types.js';
import { logsScript } from '../status/logs-script.js';
import { CancelledError } from '../cancel.js';
import { DeployError, step } from '../steps/step.js';
import { deployContext } from '../deploy/context.js';

/** How long logs --follow may run: a day, then the server ends it (a forgotten terminal). */
const FOLLOW_MS = 24 * 3_600_000;
/** Well inside the server's patience (FOLLOW_PATIENCE_S). */
const HEARTBEAT_MS = 5_000;

/**
 * The app's logs on each server, each line prefixed with the host and its source, every byte
 * through the fenced printer (the remote's stream). With follow, all servers at once, until the
 * run is cancelled: that is how a follow ends, so it is not a failure.
 */
export const logsMode: ModeStrategy = {
  factKeys: [],
  okStatus: 'shown',
  parallel: true,
  async runHost(host) {
    const ctx = deployContext(host);
    const { follow } = ctx.settings.operate.logs;
    await step(ctx.logger, ctx.records, ctx.label, 'logs', async () => {
      let code = 0;
      // A follow lives while this stream does (see logsScript): heartbeats, ended on cancel.
      const stdin = follow ? new PassThrough() : undefined;
      const beat = stdin && setInterval(() => stdin.write('\n'), HEARTBEAT_MS);
      const stop = (): void => void stdin?.end();
      ctx.signal?.addEventListener('abort', stop, { once: true });
      try {
        ({ code } = await ctx.remote.script(logsScript(ctx), {
          sudo: true,
          stream: true,
          stdin,
          ownChannel: true,
          signal: ctx.signal,
          timeoutMs: follow ? FOLLOW_MS : 120_000
        }));
      } catch (err) {
        if (follow && err instanceof CancelledError) return { detail: 'followed until cancelled' };
        throw err;
      } finally {
        clearInterval(beat);
        ctx.signal?.removeEventListener('abort', stop);
        stdin?.end();
      }
      if (code !== 0)
        throw new DeployError(`reading the logs failed (exit ${code}); the server's words are above`);
      return { detail: follow ? 'followed' : `last ${ctx.settings.operate.logs.lines} lines` };
    });
  }
};
