import type { DeployContext } from '../deploy/context.js';
import { lastLines, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { restoreScript, type StagedConfig } from './config.js';
import { switchRelease, type Switched } from './switch.js';
import { verifyRelease } from './verify.js';
import type { StepOutcome } from './step.js';

/** The last lines Gunicorn and systemd wrote about the app: why a release failed. */
export async function errorLogTail(ctx: DeployContext, lines = 30): Promise<string> {
  const q = shQuote;
  const res = await ctx.remote
    .script(
      `tail -n ${lines} ${q(`${ctx.paths.logDir}/error.log`)} 2>/dev/null || true
echo '--- journal'
journalctl -u ${q(`${ctx.paths.app}.service`)} -n ${Math.ceil(lines / 2)} --no-pager -o short-iso 2>/dev/null || true`,
      { sudo: true, timeoutMs: 30_000 }
    )
    .catch(() => undefined);
  return res ? lastLines(res.stdout, lines + lines / 2 + 1) : '';
}

/**
 * Puts `target` back in service after a failed switch: the configuration the failed deploy
 * replaced is restored first, then the same flip and proof as a deploy. Reload or restart as the
 * way forward decided: a new master was needed to leave the old venv or units, so one is needed to
 * return.
 */
export async function rollbackTo(
  ctx: DeployContext,
  target: string,
  restart: boolean,
  staged?: StagedConfig
): Promise<StepOutcome & Switched> {
  if (staged && staged.changedFiles.length > 0) {
    await runScript(ctx, 'restoring the previous configuration', restoreScript(ctx, staged), {
      timeoutMs: 60_000
    });
  }
  const switched = await switchRelease(ctx, target, restart);
  // The way back is what a cancelled run must still finish: its proof ignores the cancellation.
  await verifyRelease({ ...ctx, signal: undefined }, target, switched.oldWorkers);
  return { ...switched, detail: `current -> ${target} (${switched.reload}), healthy` };
}
