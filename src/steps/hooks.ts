import type { DeployContext } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { DeployError, type StepOutcome } from './step.js';

/** pre-activate (migrations) and post-activate commands, run in a release as the service would. */
export async function runHook(
  ctx: DeployContext,
  which: 'pre-activate' | 'post-activate',
  commands: string,
  release: string,
  envFile: string
): Promise<StepOutcome> {
  if (!commands) return { changed: false, detail: 'none' };
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
      `${which} commands failed (exit ${res.code}${res.timedOut ? ', timed out' : ''})`,
      which === 'pre-activate'
        ? 'Nothing was switched: the old release keeps serving. The output is above.'
        : 'The new release is live; the output of the failed command is above.'
    );
  }
  return {};
}
