import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';

/** One JSON line per deploy or rollback in the server's own history, for humans with ssh. */
export async function recordHistory(ctx: DeployContext, entry: Record<string, string>): Promise<void> {
  const line = JSON.stringify({ time: new Date().toISOString(), host: ctx.label, ...entry });
  await ctx.remote
    .script(`printf '%s\\n' ${shQuote(line)} >> ${shQuote(ctx.paths.history)}`, {
      sudo: true,
      timeoutMs: 30_000
    })
    .catch((err: Error) => ctx.logger.warning(`could not write the deploy history: ${err.message}`));
}
