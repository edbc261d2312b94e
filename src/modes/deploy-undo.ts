import type { HostContext } from './types.js';
import type { DeployContext } from '../deploy/context.js';
import { deployContext, parseFacts } from '../deploy/context.js';
import type { Uploaded } from '../steps/upload.js';
import { moveProcesses } from '../steps/processes.js';
import { rollbackTo } from '../steps/rollback.js';
import { recordHistory } from '../steps/history.js';
import { stateCommand } from '../deploy/release-record.js';
import { shQuote } from '../ssh/quote.js';
import { serverScript } from '../render/scripts.js';
import { stepper, type PreparedRelease } from './deploy-release.js';

/**
 * A release that failed before the switch never served: it is recorded refused (never a rollback
 * target), moved out of releases/ and deleted at once, and the run gets its history line.
 */
export async function refuseRelease(ctx: DeployContext, up: Uploaded, why: string): Promise<void> {
  const p = ctx.paths;
  const failed = ctx.records.filter((r) => !r.ok).at(-1)?.name ?? '';
  const entry = {
    event: 'deploy',
    release: up.release,
    previous: up.previous,
    status: 'refused',
    step: failed
  };
  await recordHistory(
    ctx,
    { ...entry, why: why.split('\n')[0]! },
    `${stateCommand(ctx, up.release, 'refused')}${serverScript('remove_refused', {
      release: up.release,
      release_dir: p.releaseDir(up.release),
      release_link: p.releaseLink(up.release),
      current: p.current,
      trash: p.trash
    })}`
  );
}

/** What `current` points to now: after a failed rollback, the truth is on the server. */
export async function servingRelease(ctx: DeployContext): Promise<string | undefined> {
  const res = await ctx.remote
    .script(`echo "current=$(basename "$(readlink ${shQuote(ctx.paths.current)})")"`, {
      sudo: true,
      timeoutMs: 30_000
    })
    .catch(() => undefined);
  return res && res.code === 0 ? parseFacts(res.stdout).current || undefined : undefined;
}

/**
 * Puts the previous release back on a server: after its own failure, or after another server's
 * failure when the whole fleet goes back (rollback-scope: all).
 */
export async function undoRelease(host: HostContext, p: PreparedRelease, why: string): Promise<string> {
  const ctx = deployContext(host);
  const back = await stepper(ctx)('rollback', () =>
    rollbackTo(ctx, p.up.previous, p.release, p.restart, p.staged)
  );
  if (p.processesMoved)
    await stepper(ctx)('processes', () => moveProcesses(ctx, back.target, { write: false }));
  host.notePhase?.({ phase: 'rolled-back', release: back.target, previous: p.release });
  ctx.facts.release = back.target;
  ctx.facts['previous-release'] = p.up.previous;
  // The release that went live and failed, for the summary and the GitHub deployment.
  ctx.facts['failed-release'] = p.release;
  ctx.facts['rolled-back'] = 'true';
  ctx.facts.reload = back.reload;
  ctx.facts['rollback-reason'] = why.split('\n')[0]!;
  host.setStatus('rolled-back');
  return back.target;
}
