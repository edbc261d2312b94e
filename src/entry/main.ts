import * as core from '@actions/core';
import { actionLogger } from '../log.js';
import { inputSecrets, parseSettings } from '../settings.js';
import { runId } from '../steps/lock.js';
import { watchSignals } from '../cancel.js';
import { actionState } from '../phase-state.js';

/** An input as the runner passes it; commit and ref default to the workflow's own. */
export function readInput(name: string): string {
  const v = core.getInput(name);
  if (v) return v;
  if (name === 'commit') return process.env.GITHUB_SHA ?? '';
  if (name === 'ref') return process.env.GITHUB_REF ?? '';
  return '';
}

/** The action's main step: inputs -> settings -> engine -> outputs and summary. */
export async function main(): Promise<void> {
  const state = actionState(core);
  state.markMainStarted();
  // Masked before anything at all can print them, a message about a bad input included.
  for (const secret of inputSecrets(readInput)) core.setSecret(secret);
  let settings;
  try {
    settings = parseSettings(readInput);
  } catch (err) {
    core.setOutput('status', 'failed');
    core.setFailed(err instanceof Error ? err.message : String(err));
    return;
  }
  // Saved before any lock can be taken: if this run is cancelled, the post step knows its id.
  state.saveRun(runId());
  // A cancel (SIGINT, then SIGTERM) stops new work and rolls back a switched, unproven server;
  // SIGKILL may still cut that short, which the post step finishes from the saved phases.
  const watch = watchSignals({
    onFirst: (sig) =>
      actionLogger.warning(
        `${sig}: the run was cancelled; no new step starts, and a server switched but not yet proven is rolled back`
      ),
    onRepeat: (sig) => actionLogger.info(`${sig}: still finishing the rollback`)
  });
  // Loaded after the inputs are known to be valid: the SSH stack and, with a token only, the API
  // client are most of the start-up time.
  const [
    { hostLabel, runEngine },
    { annotateFailure, formatTable, factRows, hostLine, writeActionReport },
    github
  ] = await Promise.all([import('../engine.js'), import('../report.js'), import('../github.js')]);
  const { deploymentOptions, GithubDeployment } = github;
  // GitHub Deployments (with github-token only); API errors are warnings, never a failed deploy.
  const deployment = await GithubDeployment.start(
    deploymentOptions(settings.github, process.env, {
      mode: settings.mode,
      dryRun: settings.provision.dryRun,
      commit: settings.deploy.commit,
      hosts: settings.hosts.map(hostLabel)
    }),
    actionLogger
  );
  let result;
  try {
    result = await runEngine(settings, {
      logger: actionLogger,
      signal: watch.signal,
      onPhase: (i, host, note) => state.savePhase(i, host, note)
    });
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await deployment?.finish({ mode: settings.mode, ok: false, status: 'failed', hosts: [], ms: 0, error });
    throw err;
  }
  const { report, factKeys } = result;
  state.markFinished();
  if (factKeys.length > 0) {
    const t = factRows(report, factKeys);
    actionLogger.info(formatTable(t.header, t.rows));
  }
  for (const h of report.hosts) if (h.steps.length > 0) actionLogger.info(hostLine(h));
  await writeActionReport(report, factKeys);
  await deployment?.finish(report);
  if (!report.ok) {
    // A titled annotation (what setFailed would print untitled), then the failing exit code.
    annotateFailure(report);
    process.exitCode = 1;
  }
}
