import type { DeployContext } from '../deploy/context.js';
import { ensureLayout } from '../steps/layout.js';
import { serverScript } from '../render/scripts.js';
import { ownershipScript } from '../steps/ownership.js';
import { runProvisionScript, type ProvisionResult } from './run.js';

/**
 * What the deploy's layout step does not enforce on a server that already has it: the app's user
 * has no login shell and no sudo, and its log and config folders have the right owner and mode
 * even if someone changed them. In a dry run the same checks only report.
 */
export function userScript(ctx: DeployContext): string {
  const p = ctx.paths;
  // A name someone else holds is refused before the shell, groups or folders below are touched
  // (a dry run says so too; the real run's layout step has refused already).
  return (
    ownershipScript(ctx.settings) +
    serverScript('user', {
      user: p.user,
      app_dir: p.dir,
      log_dir: p.logDir,
      etc: p.etc,
      build_user: p.buildUser
    })
  );
}

export async function ensureUser(ctx: DeployContext): Promise<ProvisionResult> {
  // The deploy's own layout step creates the user and folders; a dry run must not, so it only
  // checks (and says the user is missing).
  const created = ctx.settings.provision.dryRun ? { changed: false } : await ensureLayout(ctx);
  const res = await runProvisionScript(ctx, 'checking the app user and folders', userScript(ctx));
  if (created.changed) {
    res.changes.unshift('user/layout');
    res.changed = true;
    res.detail = `changed: ${res.changes.join(', ')}`;
  }
  return res;
}
