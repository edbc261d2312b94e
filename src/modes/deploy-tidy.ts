import type { HostContext } from './types.js';
import type { DeployContext } from '../deploy/context.js';
import { deployContext } from '../deploy/context.js';
import { hasProcesses, removeProcessesCommand } from '../steps/processes.js';
import { prune } from '../steps/prune.js';
import { historyCommand, recordHistory } from '../steps/history.js';
import { recordCommand, releaseHash } from '../deploy/release-record.js';
import { rememberCommand } from '../deploy/remembered.js';
import { keepConfigCommand } from '../deploy/release-config.js';
import { errorMessage } from '../steps/step.js';
import { stepper, type PreparedRelease, type Tidy } from './deploy-release.js';

/** The tidy after a proven switch: sent ahead with the switch when nothing comes between. */
export function tidyFor(ctx: DeployContext, p: PreparedRelease, reload: string): Tidy {
  const { release, up } = p;
  const entry = { event: 'deploy', release, previous: up.previous, status: 'deployed', reload };
  // What the live release was built from: written with the history line, in the prune's round trip.
  const record = [
    up.manifest ? recordCommand(ctx, releaseHash(up.manifest, ctx.settings), release) : '',
    rememberCommand(ctx),
    // The unit and Gunicorn config it went live with: a rollback to it runs under them.
    keepConfigCommand(ctx, release),
    hasProcesses(ctx) ? '' : removeProcessesCommand(ctx)
  ].join('\n');
  return {
    keep: [release, up.previous].filter((r) => r),
    entry,
    record,
    then: [historyCommand(ctx, entry), record].join('\n')
  };
}

/**
 * After a proven switch: old releases go and the history gets its line. Nothing here can make the
 * release less live, so a fleet runs it while the next batch prepares, and a failure is a warning.
 */
export async function tidyRelease(host: HostContext, p: PreparedRelease): Promise<void> {
  const ctx = deployContext(host);
  const t = p.tidy ?? tidyFor(ctx, p, ctx.facts.reload ?? '');
  try {
    await stepper(ctx)('prune', () => prune(ctx, t.keep, t.then));
  } catch (err) {
    ctx.logger.warning(
      `${ctx.label}: ${p.release} is live, but old releases were not removed: ${errorMessage(err)}`
    );
    await recordHistory(ctx, { ...t.entry, reload: ctx.facts.reload ?? '' }, t.record);
  }
}
