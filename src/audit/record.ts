import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { historyCommand } from '../steps/history.js';
import { errorMessage } from '../steps/step.js';
import type { ModeStrategy } from '../modes/types.js';
import { deployContext } from '../deploy/context.js';

/**
 * The audit line of a run that writes no history of its own (provision, run, maintenance): one
 * line when it ends, its outcome and, on failure, the first line of why. Written only where the app
 * has a state folder (a provision that failed before making the app's folders has nothing to
 * record into); never fails the run.
 */
export async function audited<T>(
  ctx: DeployContext,
  event: string,
  fn: () => Promise<T>,
  fields: () => Record<string, string> = () => ({})
): Promise<T> {
  const write = async (entry: Record<string, string>): Promise<void> => {
    const script = `[ -d ${shQuote(ctx.paths.state)} ] || exit 0\n${historyCommand(ctx, entry)}`;
    await ctx.remote
      .script(script, { sudo: true, timeoutMs: 30_000 })
      .then((r) => {
        if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim()}`);
      })
      .catch((err: Error) => ctx.logger.warning(`could not write the history: ${err.message}`));
  };
  try {
    const out = await fn();
    await write({ event, ...fields(), status: 'ok' });
    return out;
  } catch (err) {
    await write({ event, ...fields(), status: 'failed', why: errorMessage(err).split('\n')[0]! });
    throw err;
  }
}

/**
 * A mode whose every run leaves its audit line: `facts` names the host facts the line carries
 * (release, exit-code...); `skip` for runs that change nothing (a provision dry run).
 */
export function withAudit(
  mode: ModeStrategy,
  event: string,
  facts: string[],
  skip: (ctx: DeployContext) => boolean = () => false
): ModeStrategy {
  return {
    ...mode,
    async runHost(host) {
      const ctx = deployContext(host);
      if (skip(ctx)) return mode.runHost(host);
      const pick = (): Record<string, string> =>
        Object.fromEntries(facts.filter((k) => host.facts[k]).map((k) => [k, host.facts[k]!]));
      return audited(ctx, event, () => mode.runHost(host), pick);
    }
  };
}
