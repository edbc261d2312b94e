import * as core from '@actions/core';
import { actionLogger, type Logger } from '../log.js';
import { parseSettings, type Settings } from '../settings.js';
import { hostLabel, registerSecrets, targetFor, type Connector } from '../engine.js';
import { readInput } from './main.js';
import { releaseLeftLocks } from '../steps/lock-cleanup.js';
import { actionState, needsRollback, type SavedPhase } from '../phase-state.js';
import { connect as sshConnect } from '../ssh/connection.js';
import { appLayout } from '../deploy/paths.js';
import type { DeployContext } from '../deploy/context.js';
import { acquireLock } from '../steps/lock.js';
import { rollbackTo } from '../steps/rollback.js';
import { moveProcesses } from '../steps/processes.js';
import type { StagedConfig } from '../steps/config.js';
import { recordHistory } from '../steps/history.js';
import { errorMessage } from '../steps/step.js';

/**
 * Runs after the job, even when it was cancelled. Nothing is written to the runner's disk (the key
 * stays in memory). When the main step did not finish (cancelled and killed, or crashed), it
 * finishes what the main step could not: every server whose saved phase says "switched, not
 * proven" is put back on its previous release, and deploy locks this run left are released.
 */
export async function post(): Promise<void> {
  const state = actionState(core);
  const run = state.run();
  if (!run || state.finished()) return;
  let settings;
  try {
    settings = parseSettings(readInput);
  } catch {
    return;
  }
  registerSecrets(settings, actionLogger);
  const phases = settings.hosts.map((_, i) => state.phase(i));
  // The holder a frozen main step may still keep goes first: the rollback takes the lock itself.
  await releaseLeftLocks(settings, run, actionLogger);
  await rollBackUnproven(settings, phases, actionLogger, `${run}-post`);
}

/**
 * Puts back every server a dead run left switched but unproven, with the deploy's own rollback
 * (configuration restored, the previous release switched to and proven healthy) and a history
 * line. A failure is an error in the log; the other servers are still tried.
 */
export async function rollBackUnproven(
  settings: Settings,
  phases: (SavedPhase | undefined)[],
  logger: Logger,
  owner: string,
  connect: Connector = sshConnect
): Promise<void> {
  for (const [i, spec] of settings.hosts.entries()) {
    const saved = phases[i];
    if (!saved || !needsRollback(saved)) continue;
    const label = hostLabel(spec);
    const release = saved.release ?? '?';
    const previous = saved.previous!;
    try {
      const remote = await connect({ ...targetFor(settings, spec), retries: 1 }, logger);
      try {
        const ctx: DeployContext = {
          remote,
          settings,
          logger,
          label,
          records: [],
          facts: {},
          paths: appLayout(settings)
        };
        const lock = await acquireLock(ctx, owner);
        try {
          const back = await rollbackTo(ctx, previous, release, !!saved.restart, savedConfig(ctx, saved));
          // The run died while moving the other processes: they follow the web back (the release's
          // own set, kept by root), as a failed deploy's way back does.
          if (saved.processes) await moveProcesses(ctx, back.target, { write: false });
          await recordHistory(ctx, {
            event: 'deploy',
            release,
            status: 'rolled-back',
            to: back.target,
            why: 'the run was cancelled before the release was proven; rolled back by the post step'
          });
          logger.warning(
            `${label}: the run was cancelled while ${release} was switched but not proven: rolled back, ${back.target} is serving and healthy (${back.reload})`
          );
        } finally {
          await lock.release();
        }
      } finally {
        await remote.close();
      }
    } catch (err) {
      logger.error(
        `${label}: the run was cancelled while ${release} was switched but not proven, and rolling back to ${previous} failed: ${errorMessage(err)}\n` +
          `The server needs attention now: ssh in and check systemctl status ${appLayout(settings).app}, or run this action with mode: rollback.`
      );
    }
  }
}

/** What restoreScript needs of the configuration the dead run installed: the live paths it replaced. */
function savedConfig(ctx: DeployContext, saved: SavedPhase): StagedConfig | undefined {
  const changed = saved.changed ?? [];
  if (changed.length === 0) return undefined;
  return {
    files: changed.map((path) => ({ path, content: '', mode: '', owner: '' })),
    changedFiles: changed,
    envFile: '',
    gunicornConf: '',
    stagedDir: '',
    previousDir: ctx.paths.configPrevious
  };
}
