import type { DeployContext } from '../deploy/context.js';
import { lastLines } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { stateCommand } from '../deploy/release-record.js';
import { DeployError, keepsServing, type StepOutcome } from './step.js';
import type { StagedConfig } from './config.js';
import type { QueuedRequest } from '../ssh/types.js';
import { refusal, type CandidateRun } from './candidate.js';
import { librariesPython, preloadListScript } from './preload-list.js';
import { serverProgram, serverScript } from '../render/scripts.js';

/** The line check_list.py prints before the libraries (a unit test holds the file to it). */
export const MARKER = '--- gunicorn-deploy: libraries ---';

/** gunicorn --check-config, plus, at exit, the libraries the app's import loaded (check_list.py). */
export function checkAndList(): string {
  return `${librariesPython()}${serverProgram('check_list')}`;
}

/**
 * A release that fails to import takes the whole server down on HUP (gunicorn #2443), so it is
 * imported first, with its own venv, config and environment, before anything is switched. With
 * preload-libraries, the list of libraries it loaded is written by root into /etc/APP/preload/ID,
 * never into the release (whose files the repository controls: a symlink there would be written
 * through). The release is recorded as built.
 */
type CheckConfig = Pick<StagedConfig, 'envFile' | 'gunicornConf'>;

export function checkCommand(ctx: DeployContext, release: string, staged: CheckConfig): string {
  const rel = ctx.paths.releaseDir(release);
  const preload = ctx.settings.deploy.preloadLibraries;
  const gunicornArgs = [
    '--check-config',
    '-c',
    staged.gunicornConf,
    '--chdir',
    rel,
    ctx.settings.deploy.wsgiApp
  ];
  const run = appRunCommand(ctx.paths, {
    cwd: rel,
    envFile: staged.envFile,
    venv: `${rel}/.venv`,
    argv: [
      `${rel}/.venv/bin/python`,
      ...(preload ? ['-c', checkAndList()] : ['-m', 'gunicorn']),
      ...gunicornArgs
    ]
  });
  // templates/scripts/check.sh runs the check (run_check) and, with preload, keeps its list.
  return [
    stateCommand(ctx, release, 'built'),
    `run_check() { ${run}; }`,
    preload ? preloadListScript(ctx, release) : '',
    serverScript('check', { preload: preload ? 'yes' : 'no', marker: MARKER })
  ].join('\n');
}

/** How the check runs: also how it is sent ahead (the same text and options). */
const CHECK_OPTS = { sudo: true, ownChannel: true, timeoutMs: 120_000 };

/** The check as a request to queue (sendNext, sendNextTogether); checkRelease then takes its answer. */
export function checkRequest(ctx: DeployContext, release: string, staged: CheckConfig): QueuedRequest {
  return { text: checkCommand(ctx, release, staged), opts: CHECK_OPTS, kind: 'exec' };
}

export async function checkRelease(
  ctx: DeployContext,
  release: string,
  staged: CheckConfig
): Promise<StepOutcome> {
  const res = await ctx.remote.exec(checkCommand(ctx, release, staged), CHECK_OPTS);
  if (res.code !== 0) throw doesNotLoad(ctx, lastLines(res.stderr + res.stdout, 25));
  return { detail: `${ctx.settings.deploy.wsgiApp} imports` };
}

function doesNotLoad(ctx: DeployContext, lines: string): DeployError {
  return new DeployError(
    `the new release does not load (${ctx.settings.deploy.wsgiApp}); nothing was switched${keepsServing(ctx)}:\n${lines}`,
    'Fix the import error (run the app locally with gunicorn --check-config) and deploy again.'
  );
}

/**
 * The check as the candidate's worker made it (candidateScript with importCheck): its import
 * decides, before the candidate's answers do. Its time is the candidate's, up to the import.
 */
export function checkedByCandidate(ctx: DeployContext, run: CandidateRun): StepOutcome {
  const c = run.candidate;
  // A mismatched worker class is the candidate's finding, not an import error.
  if (c.imported === undefined || c.mismatch) throw refusal(ctx, run);
  if (!c.imported) {
    const why = c.why ? `its candidate ${c.why}` : '';
    throw doesNotLoad(ctx, [why, c.log].filter((l) => l).join('\n'));
  }
  return { detail: `${ctx.settings.deploy.wsgiApp} imports (in the candidate's worker)`, ms: c.importMs };
}
