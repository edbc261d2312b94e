import { DEPLOY_KEYS, type HostContext, type ModeStrategy, type RollingStrategy } from './types.js';
import { activateThenTidy } from './go-live.js';
import { throwIfCancelled } from '../cancel.js';
import { releaseId } from '../deploy/paths.js';
import { lockStep, runId, type HeldLock } from '../steps/lock.js';
import { ensureLayout } from '../steps/layout.js';
import { venvDependencies } from '../steps/venv.js';
import { installConfig, needsRestart } from '../steps/config.js';
import { afterMigrationRollback } from '../steps/migration.js';
import { Planner } from './plan.js';
import { candidateBootChecks, candidateConf, PREPARE_PLAN, type Preparing } from './prepare-plan.js';
import { candidateWarmScript, stopEarly } from '../steps/candidate.js';
import { runHook } from '../steps/hooks.js';
import { prepareRenderAhead } from '../render/ahead.js';
import { sendSwitchAhead, switchRelease } from '../steps/switch.js';
import { sendVerifyAhead, verifyRelease } from '../steps/verify.js';
import { hasProcesses, moveProcesses } from '../steps/processes.js';
import { errorLogTail } from '../steps/rollback.js';
import { sendPruneAhead } from '../steps/prune.js';
import { recordHistory, SAVED_RELOAD } from '../steps/history.js';
import { stateCommand } from '../deploy/release-record.js';
import { deployContext } from '../deploy/context.js';
import { AfterProofError, DeployError, errorMessage } from '../steps/step.js';
import { noteCancelled, stepper, type PreparedRelease } from './deploy-release.js';
import { tidyFor, tidyRelease } from './deploy-tidy.js';
import { refuseRelease, servingRelease, undoRelease } from './deploy-undo.js';

// One release's prepare and activate; what they share is in deploy-release.ts, the tidy after a
// proven switch in deploy-tidy.ts, the way back in deploy-undo.ts.
export type { PreparedRelease } from './deploy-release.js';
export { tidyRelease } from './deploy-tidy.js';
export { undoRelease } from './deploy-undo.js';

/**
 * Everything before the switch: each of these steps can fail with nothing changed for users, so a
 * fleet prepares several servers at once. The lock is held until release(); a caller that already
 * holds it (provision) passes it in and keeps it.
 */
export async function prepareRelease(host: HostContext, held?: HeldLock): Promise<PreparedRelease> {
  const ctx = deployContext(host);
  const s = stepper(ctx);
  const d = ctx.settings.deploy;
  ctx.facts['rolled-back'] = 'false';
  if (ctx.settings.processes.webNotice)
    ctx.logger.warning(`${ctx.label}: ${ctx.settings.processes.webNotice}`);
  for (const n of ctx.settings.processes.procfileNotices) ctx.logger.info(`${ctx.label}: ${n}`);
  host.notePhase?.({ phase: 'preparing' });
  // What was sent ahead runs on the server without the runner: a cancel stops it there too.
  ctx.signal?.addEventListener('abort', () => ctx.remote.cancelQueued?.(), { once: true });
  // Resolved in the workspace while the lock is awaited: a problem is the venv step's to report.
  const resolving = venvDependencies(ctx);
  const p: Preparing = {
    ctx,
    id: releaseId(new Date(), d.commit),
    layingOut: Promise.resolve({}),
    deps: undefined,
    release: '',
    cores: 1,
    migrated: '',
    schema: '',
    host
  };
  const plan = new Planner(PREPARE_PLAN, ctx.remote, p);
  // The layout, and the upload's prepare behind it, go at the same moment as the lock and wait for
  // it on the server: one round trip for all three.
  const owner = runId();
  const locking = held ? Promise.resolve(held) : lockStep(ctx, owner, true);
  plan.sendAfter('layout');
  // The candidate's master starts warm behind the layout, while the release uploads.
  const warm = candidateBootChecks(ctx) ? candidateWarmScript(ctx, p.id, candidateConf(ctx)) : '';
  // A deploy of its own (not provision's, whose shell goes on with other steps) ahead of the app.
  p.layingOut = ensureLayout(ctx, held ? undefined : owner, warm, !held);
  p.layingOut.catch(() => undefined);
  // While the server takes the lock and lays out, what the upload's answer would start.
  void prepareRenderAhead();
  const lock = await locking;
  try {
    p.deps = await resolving;
    await plan.run(s);
    const up = p.up!;
    return {
      lock,
      up,
      release: p.release,
      staged: p.staged!,
      restart: needsRestart(p.staged!) || p.venv!.hash !== up.previousVenv,
      migrated: p.migrated,
      schema: p.schema
    };
  } catch (err) {
    const up = p.up;
    if (up) await refuseRelease(ctx, up, errorMessage(err));
    if (up && d.preActivate && ctx.records.some((r) => r.name === 'pre-activate'))
      await afterMigrationRollback(ctx, up.release, p.migrated, p.schema);
    // A warm master that no backup step came to use (it would end at its RuntimeMaxSec).
    if (warm && !ctx.records.some((r) => r.name === 'backup')) await stopEarly(ctx);
    if (!held) await lock.release();
    if (ctx.signal?.aborted) await noteCancelled(host, ctx, errorMessage(err).split('\n')[0]!);
    throw err;
  }
}

/**
 * The switch and its proof. A failure rolls this server back to its previous release and proves
 * that one healthy again before the error is thrown.
 */
export async function activateRelease(host: HostContext, p: PreparedRelease): Promise<void> {
  const ctx = deployContext(host);
  const s = stepper(ctx);
  const { release, up, staged, restart } = p;
  if (ctx.signal?.aborted) {
    await noteCancelled(host, ctx, 'cancelled before the switch');
    throwIfCancelled(ctx.signal, 'the switch');
  }
  // Saved before anything live changes: if this process dies from here until the proof, the
  // action's post step rolls the server back from this note.
  const note = { release, previous: up.previous, restart, changed: staged.changedFiles };
  host.notePhase?.({ phase: 'switching', ...note });
  try {
    // Neither the switch nor its proof depends on the answer before it: the units, the switch and
    // the verify go in one round trip, each run only if the one before succeeded; so does the tidy
    // after a proof when no post-activate hook comes between.
    sendSwitchAhead(ctx, release, restart);
    sendVerifyAhead(ctx, release);
    const processes = hasProcesses(ctx);
    if (!ctx.settings.deploy.postActivate && !processes && ctx.remote.sendNext) {
      p.tidy = tidyFor(ctx, p, SAVED_RELOAD);
      sendPruneAhead(ctx, p.tidy.keep, p.tidy.then);
    }
    await s('units', () => installConfig(ctx, staged));
    const switched = await s('switch', () => switchRelease(ctx, release, restart));
    ctx.facts.release = release;
    host.notePhase?.({ phase: 'switched', ...note });
    ctx.facts.reload = switched.reload;
    await s('verify', () => verifyRelease(ctx, release, 'saved'));
    p.processesMoved = processes;
    if (processes) {
      // From here a killed run's post step must move the processes back as well as the web.
      host.notePhase?.({ phase: 'switched', ...note, processes: true });
      await s('processes', () => moveProcesses(ctx, release, { write: true }));
    }
    host.notePhase?.({ phase: 'proven', ...note });
  } catch (err) {
    const why = errorMessage(err);
    const logs = await errorLogTail(ctx);
    if (!up.previous) {
      ctx.facts.release = (await servingRelease(ctx)) ?? ctx.facts.release ?? '';
      host.notePhase?.({ phase: 'failed', ...note });
      await recordHistory(ctx, { event: 'deploy', release, status: 'failed', why });
      throw new DeployError(
        `release ${release} failed and there is no previous release to roll back to: ${why}${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`,
        'Fix the app and deploy again; the service stays as it is until then.'
      );
    }
    let back: string;
    try {
      back = await undoRelease(host, p, why);
    } catch (rbErr) {
      ctx.facts.release = (await servingRelease(ctx)) ?? '';
      ctx.facts['rolled-back'] = 'false';
      await recordHistory(ctx, {
        event: 'rollback',
        release: up.previous,
        from: release,
        status: 'failed',
        why: `${why.split('\n')[0]!}; the rollback failed: ${errorMessage(rbErr).split('\n')[0]!}`
      });
      throw new DeployError(
        `release ${release} failed (${why}) and the rollback to ${up.previous} failed too: ${errorMessage(rbErr)}`,
        `The server needs attention now: ssh in and run systemctl status ${ctx.paths.app}; releases are in ${ctx.paths.releases}.`
      );
    }
    await recordHistory(
      ctx,
      { event: 'deploy', release, status: 'rolled-back', to: back, why: why.split('\n')[0]! },
      stateCommand(ctx, release, 'rolled-back')
    );
    if (ctx.settings.deploy.preActivate) await afterMigrationRollback(ctx, release, p.migrated, p.schema);
    throw new DeployError(
      `release ${release} failed and was rolled back; ${back} is serving and healthy. Why: ${why}${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`
    );
  }
  try {
    await s('post-activate', () =>
      runHook(ctx, 'post-activate', ctx.settings.deploy.postActivate, release, ctx.paths.envFile)
    );
  } catch (err) {
    throw new AfterProofError(err);
  }
}

const rolling: RollingStrategy<PreparedRelease> = {
  prepare: prepareRelease,
  activate: activateRelease,
  tidy: tidyRelease,
  async undo(host, p, why) {
    if (!p.up.previous) throw new Error(`no previous release on ${host.label} to go back to`);
    const back = await undoRelease(host, p, why);
    const ctx = deployContext(host);
    await recordHistory(
      ctx,
      { event: 'rollback', release: back, from: p.release, status: 'rolled-back', why },
      stateCommand(ctx, p.release, 'rolled-back')
    );
    if (ctx.settings.deploy.preActivate) await afterMigrationRollback(ctx, p.release, p.migrated, p.schema);
  },
  release: (_host, p) => p.lock.release()
};

/**
 * The deploy, in the order that keeps the old release serving until the new one is proven: every
 * step before the switch can fail with nothing changed for users; every failure after it rolls
 * back to the previous release and proves that one healthy again.
 */
export const deployMode: ModeStrategy = {
  factKeys: DEPLOY_KEYS,
  okStatus: 'deployed',
  rolling: rolling as RollingStrategy<unknown>,
  async runHost(host) {
    const p = await prepareRelease(host);
    try {
      await activateThenTidy(
        () => activateRelease(host, p),
        () => tidyRelease(host, p)
      );
    } finally {
      await p.lock.release();
    }
  }
};
