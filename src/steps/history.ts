import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { serverScript } from '../render/scripts.js';
import { runOrigin } from '../audit/origin.js';

/**
 * A history entry's `reload` as the last switch on the server wrote it: for a line sent together
 * with that switch, before the runner has its answer.
 */
export const SAVED_RELOAD = '__saved_reload__';

/**
 * The audit trail: who ran it (actor), from where (`origin`: repository or runner host, the run's URL), the
 * mode and the commit, on every line; the entry's own fields (event, release, status, why) follow.
 */
export function auditFields(ctx: DeployContext): Record<string, string> {
  const origin = runOrigin();
  const commit = ctx.settings.deploy.commit;
  return {
    mode: ctx.settings.mode,
    actor: origin.actor,
    origin: origin.from,
    ...(origin.run ? { run: origin.run } : {}),
    ...(commit ? { commit } : {})
  };
}

/** The shell that appends one JSON line to the server's history, for a step to run with its own. */
export function historyCommand(ctx: DeployContext, entry: Record<string, string>): string {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    host: ctx.label,
    ...auditFields(ctx),
    ...entry
  });
  if (entry.reload !== SAVED_RELOAD)
    return `printf '%s\\n' ${shQuote(line)} >> ${shQuote(ctx.paths.history)}`;
  return serverScript('history_reload', {
    line,
    saved: SAVED_RELOAD,
    last_switch: ctx.paths.lastSwitch,
    history_log: ctx.paths.history
  });
}

/**
 * One JSON line per deploy or rollback in the server's own history, for humans with ssh; `also`:
 * another command for the same round trip.
 */
export async function recordHistory(
  ctx: DeployContext,
  entry: Record<string, string>,
  also = ''
): Promise<void> {
  await ctx.remote
    .script([historyCommand(ctx, entry), also].join('\n'), {
      sudo: true,
      timeoutMs: 30_000
    })
    .catch((err: Error) => ctx.logger.warning(`could not write the deploy history: ${err.message}`));
}
