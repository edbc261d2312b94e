import type { DeployContext } from '../deploy/context.js';
import { lastLines } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { DeployError, type StepOutcome } from './step.js';
import type { StagedConfig } from './config.js';

/**
 * A release that fails to import takes the whole server down on HUP (gunicorn #2443), so it is
 * imported first, with its own venv, config and environment, before anything is switched.
 */
export function checkCommand(ctx: DeployContext, release: string, staged: StagedConfig): string {
  const rel = `${ctx.paths.releases}/${release}`;
  return appRunCommand(ctx.paths, {
    cwd: rel,
    envFile: staged.envFile,
    venv: `${rel}/.venv`,
    argv: [
      `${rel}/.venv/bin/python`,
      '-m',
      'gunicorn',
      '--check-config',
      '-c',
      staged.gunicornConf,
      '--chdir',
      rel,
      ctx.settings.deploy.wsgiApp
    ]
  });
}

export async function checkRelease(
  ctx: DeployContext,
  release: string,
  staged: StagedConfig
): Promise<StepOutcome> {
  const res = await ctx.remote.exec(checkCommand(ctx, release, staged), { sudo: true, timeoutMs: 120_000 });
  if (res.code !== 0) {
    throw new DeployError(
      `the new release does not load (${ctx.settings.deploy.wsgiApp}); nothing was switched, the old release keeps serving:\n${lastLines(res.stderr + res.stdout, 25)}`,
      'Fix the import error (run the app locally with gunicorn --check-config) and deploy again.'
    );
  }
  return { detail: `${ctx.settings.deploy.wsgiApp} imports` };
}
