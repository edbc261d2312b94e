import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import type { StepOutcome } from './step.js';

/**
 * Keeps the newest keep-releases releases, and never current or the one before it (the rollback
 * target). Venvs no remaining release links to go too; the pip cache stays. What goes is moved
 * out at once (a rename) and deleted right after by a low-priority transient unit: deleting a
 * release of thousands of files took most of a fast deploy's time, with nothing waiting on it.
 * The script is templates/scripts/prune.sh.
 */
export function pruneScript(ctx: DeployContext, keepAlso: string[], then = ''): string {
  const p = ctx.paths;
  return serverScript(
    'prune',
    {
      releases: p.releases,
      current: p.current,
      venvs: p.venvs,
      trash_root: p.trash,
      keep_releases: ctx.settings.deploy.keepReleases,
      keep_also: keepAlso.join(' ')
    },
    then
  );
}

const PRUNE_TIMEOUT_MS = 10 * 60_000;

/** Queues the prune with the next root command; prune() with the same arguments takes its answer. */
export function sendPruneAhead(ctx: DeployContext, keepAlso: string[], then = ''): void {
  ctx.remote.sendNext?.(pruneScript(ctx, keepAlso, then), { sudo: true, timeoutMs: PRUNE_TIMEOUT_MS });
}

/** then: a command to run in the same round trip once pruning is done (the history line). */
export async function prune(ctx: DeployContext, keepAlso: string[], then = ''): Promise<StepOutcome> {
  const f = parseFacts(
    (
      await runScript(ctx, 'pruning old releases', pruneScript(ctx, keepAlso, then), {
        timeoutMs: PRUNE_TIMEOUT_MS
      })
    ).stdout
  );
  const removed = Number(f.releases_removed ?? 0) + Number(f.venvs_removed ?? 0);
  return {
    changed: removed > 0,
    detail: `${f.releases_kept} releases kept, ${f.releases_removed} releases and ${f.venvs_removed} venvs removed`
  };
}
