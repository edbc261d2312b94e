import type { DeployContext } from '../deploy/context.js';
import { lastLines } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { DeployError, type StepOutcome } from './step.js';

const AFTER_FAILURE: Record<Hook, string> = {
  'pre-activate': 'Nothing was switched: the old release keeps serving. The whole output is above.',
  'post-activate': 'The new release is live; the output of the failed command is above.',
  'rollback-command':
    'Nothing was switched: the release that was serving keeps serving. Fix the command (run it by hand in that release to see) and roll back again.'
};

type Hook = 'pre-activate' | 'post-activate' | 'rollback-command';

/**
 * pre-activate (migrations), post-activate and a rollback's rollback-command, run in a release as
 * the service would. A failure says what the command itself printed last (the migration tool's own
 * error line), not only its exit code.
 */
export async function runHook(
  ctx: DeployContext,
  which: Hook,
  commands: string,
  release: string,
  envFile: string
): Promise<StepOutcome> {
  if (!commands) return { changed: false, detail: 'none' };
  const failed = await runInRelease(ctx, commands, release, envFile);
  if (failed) {
    const ahead = ctx.facts['database-ahead'];
    throw new DeployError(
      `${which} commands failed (exit ${failed.exit})${failed.said}`,
      `${AFTER_FAILURE[which]}${which === 'pre-activate' && ahead ? ` Note: ${ahead}` : ''}`
    );
  }
  return {};
}

/**
 * Runs bash commands in a release as the service would (its user, venv and environment), their
 * output streamed to the log. Returns undefined on success, else what failed: the exit code and the
 * command's own last lines (the migration tool's error line, as `; their last lines:\n...`), for the
 * step's error to quote.
 */
export async function runInRelease(
  ctx: DeployContext,
  commands: string,
  release: string,
  envFile: string
): Promise<{ exit: string; said: string } | undefined> {
  const rel = ctx.paths.releaseDir(release);
  const cmd = appRunCommand(ctx.paths, {
    cwd: rel,
    envFile,
    venv: `${rel}/.venv`,
    argv: ['/bin/bash', '-euo', 'pipefail', '-c', commands]
  });
  const res = await ctx.remote.exec(cmd, { sudo: true, stream: true, timeoutMs: 30 * 60_000 });
  if (res.code === 0) return undefined;
  const said = lastLines([res.stdout, res.stderr].filter((t) => t.trim()).join('\n'), 12);
  return {
    exit: `${res.code}${res.timedOut ? ', timed out' : ''}`,
    said: said ? `; their last lines:\n${said}` : ''
  };
}
