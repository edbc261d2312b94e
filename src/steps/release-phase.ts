import type { DeployContext } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { hostLabel } from '../settings.js';
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
  const commands = ctx.settings.processes.releaseCommand;
  const rel = ctx.paths.releaseDir(release);
  const cmd = appRunCommand(ctx.paths, {
    cwd: rel,
    envFile,
    venv: `${rel}/.venv`,
    argv: ['/bin/bash', '-euo', 'pipefail', '-c', commands]
  });
  const res = await ctx.remote.exec(cmd, { sudo: true, stream: true, timeoutMs: 30 * 60_000 });
  if (res.code !== 0) {
    throw new DeployError(
      `the release command failed on ${ctx.label} (exit ${res.code}${res.timedOut ? ', timed out' : ''}); nothing was switched on any server`,
      'The output is above. Every server keeps serving its release; fix the command (release-command or the Procfile’s release:) and deploy again. A database it changed halfway is as it left it: the backup taken just before is in backups/.'
    );
  }
  return { detail: `once for the deploy, on ${ctx.label}` };
}
