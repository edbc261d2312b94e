import type { DeployContext } from '../deploy/context.js';
import { hostLabel } from '../settings.js';
import { runInRelease } from './hooks.js';
import { DeployError, type StepOutcome } from './step.js';

/**
 * The server that runs the release phase: the first host (the canary, with canary: true). Its
 * prepare ends with it, and a fleet switches no server before its first batch is prepared.
 */
export function runsReleasePhase(ctx: DeployContext): boolean {
  const first = ctx.settings.hosts[0];
  return !!ctx.settings.processes.releaseCommand && !!first && ctx.label === hostLabel(first);
}

/**
 * The release phase (release-command, or the Procfile's `release:`): once per deploy, in the new
 * release as the app runs (its user, venv and the new environment), after the backup and the
 * candidate, before any server switches. pre-activate, by contrast, runs on every server.
 */
export async function runReleasePhase(
  ctx: DeployContext,
  release: string,
  envFile: string
): Promise<StepOutcome> {
  const failed = await runInRelease(ctx, ctx.settings.processes.releaseCommand, release, envFile);
  if (failed) {
    throw new DeployError(
      `the release command failed on ${ctx.label} (exit ${failed.exit}); nothing was switched on any server${failed.said}`,
      'Every server keeps serving its release; fix the command (release-command or the Procfile’s release:) and deploy again. A database it changed halfway is as it left it: the backup taken just before is in backups/.'
    );
  }
  return { detail: `once for the deploy, on ${ctx.label}` };
}
