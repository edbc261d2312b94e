// Over 300 lines on purpose: prepare, activate, tidy and undo of one release are one protocol (what
// each leaves behind is what the next one, or the way back, starts from); split, they would be read
// apart.
import { DEPLOY_KEYS, type HostContext, type ModeStrategy, type RollingStrategy } from './types.js';
import { activateThenTidy } from './go-live.js';
import { throwIfCancelled, uncancellable } from '../cancel.js';
import type { DeployContext } from '../deploy/context.js';
import { releaseId } from '../deploy/paths.js';
import { lockStep, runId, type HeldLock } from '../steps/lock.js';
import { ensureLayout } from '../steps/layout.js';
import { type Uploaded } from '../steps/upload.js';
import { venvDependencies } from '../steps/venv.js';
import { installConfig, needsRestart, type StagedConfig } from '../steps/config.js';
import { afterMigrationRollback } from '../steps/migration.js';
import { Planner } from './plan.js';
import { PREPARE_PLAN, type Preparing } from './prepare-plan.js';
import { runHook } from '../steps/hooks.js';
import { sendSwitchAhead, switchRelease } from '../steps/switch.js';
import { sendVerifyAhead, verifyRelease } from '../steps/verify.js';
import { hasProcesses, moveProcesses, removeProcessesCommand } from '../steps/processes.js';
import { errorLogTail, rollbackTo } from '../steps/rollback.js';
import { prune, sendPruneAhead } from '../steps/prune.js';
import { historyCommand, recordHistory, SAVED_RELOAD } from '../steps/history.js';
import { recordCommand, releaseHash, stateCommand } from '../deploy/release-record.js';
import { rememberCommand } from '../deploy/remembered.js';
import { keepConfigCommand } from '../deploy/release-config.js';
import { shQuote } from '../ssh/quote.js';
import { deployContext, parseFacts } from '../deploy/context.js';
import { AfterProofError, DeployError, errorMessage, step, type StepOutcome } from '../steps/step.js';
import type { StepName } from '../steps/catalog.js';
import { serverScript } from '../render/scripts.js';

/** Steps that still run in a cancelled run: the way back, and what follows a proven switch. */
const AFTER_CANCEL: StepName[] = ['units', 'rollback', 'processes', 'post-activate', 'prune'];

function stepper(ctx: DeployContext) {
  return <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> => {
    if (!AFTER_CANCEL.includes(name)) throwIfCancelled(ctx.signal, `step ${name}`);
    return step(ctx.logger, ctx.records, ctx.label, name, fn);
  };
}

/** A run cancelled before the switch: nothing changed for users; the history says so. */
async function noteCancelled(host: HostContext, ctx: DeployContext, why: string): Promise<void> {
  host.notePhase?.({ phase: 'cancelled' });
  const release = ctx.facts.release ?? '';
  await recordHistory(
    { ...ctx, remote: uncancellable(ctx.remote) },
    { event: 'deploy', release, status: 'cancelled', why }
  );
}

/** A release made ready on one server, not yet serving. */
export interface PreparedRelease {
  lock: HeldLock;
  up: Uploaded;
  release: string;
  staged: StagedConfig;
  /** A new venv or changed units need a new Gunicorn master. */
  restart: boolean;
  /** The database as pre-activate left it (sqlite3 .sha3sum); '' when no migration ran. */
  migrated: string;
  /** SQLite's schema_version before pre-activate ('' when unknown): did the migration change it? */
  schema?: string;
  /** The tidy as sent with the switch (its history line written then): tidyRelease takes its answer. */
  tidy?: Tidy;
  /** The processes were (or may have been) moved to this release: a way back moves them too. */
  processesMoved?: boolean;
}

/** Old releases out, the history line and the release record in: one script after the proof. */
interface Tidy {
  keep: string[];
  entry: Record<string, string>;
  record: string;
  then: string;
}

function tidyFor(ctx: DeployContext, p: PreparedRelease, reload: string): Tidy {
  const { release, up } = p;
  const entry = { event: 'deploy', release, previous: up.previous, status: 'deployed', reload };
  // What the live release was built from: written with the history line, in the prune's round trip.
  const record = [
    up.manifest ? recordCommand(ctx, releaseHash(up.manifest, ctx.settings), release) : '',
    rememberCommand(ctx),
    // The unit and Gunicorn config it went live with: a rollback to it runs under them.
    keepConfigCommand(ctx, release),
    hasProcesses(ctx) ? '' : removeProcessesCommand(ctx)
  ].join('\n');
  return {
    keep: [release, up.previous].filter((r) => r),
    entry,
    record,
    then: [historyCommand(ctx, entry), record].join('\n')
  };
}

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
  p.layingOut = ensureLayout(ctx, held ? undefined : owner);
  p.layingOut.catch(() => undefined);
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
    if (!held) await lock.release();
    if (ctx.signal?.aborted) await noteCancelled(host, ctx, errorMessage(err).split('\n')[0]!);
    throw err;
  }
}

/**
 * A release that failed before the switch never served: it is recorded refused (never a rollback
 * target), moved out of releases/ and deleted at once, and the run gets its history line.
 */
async function refuseRelease(ctx: DeployContext, up: Uploaded, why: string): Promise<void> {
  const p = ctx.paths;
  const failed = ctx.records.filter((r) => !r.ok).at(-1)?.name ?? '';
  const entry = {
    event: 'deploy',
    release: up.release,
    previous: up.previous,
    status: 'refused',
    step: failed
  };
  await recordHistory(
    ctx,
    { ...entry, why: why.split('\n')[0]! },
    `${stateCommand(ctx, up.release, 'refused')}${serverScript('remove_refused', {
      release: up.release,
      release_dir: p.releaseDir(up.release),
      release_link: p.releaseLink(up.release),
      current: p.current,
      trash: p.trash
    })}`
  );
}

/** What `current` points to now: after a failed rollback, the truth is on the server. */
async function servingRelease(ctx: DeployContext): Promise<string | undefined> {
  const res = await ctx.remote
    .script(`echo "current=$(basename "$(readlink ${shQuote(ctx.paths.current)})")"`, {
      sudo: true,
      timeoutMs: 30_000
    })
    .catch(() => undefined);
  return res && res.code === 0 ? parseFacts(res.stdout).current || undefined : undefined;
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

/**
 * After a proven switch: old releases go and the history gets its line. Nothing here can make the
 * release less live, so a fleet runs it while the next batch prepares, and a failure is a warning.
 */
export async function tidyRelease(host: HostContext, p: PreparedRelease): Promise<void> {
  const ctx = deployContext(host);
  const t = p.tidy ?? tidyFor(ctx, p, ctx.facts.reload ?? '');
  try {
    await stepper(ctx)('prune', () => prune(ctx, t.keep, t.then));
  } catch (err) {
    ctx.logger.warning(
      `${ctx.label}: ${p.release} is live, but old releases were not removed: ${errorMessage(err)}`
    );
    await recordHistory(ctx, { ...t.entry, reload: ctx.facts.reload ?? '' }, t.record);
  }
}

/**
 * Puts the previous release back on a server: after its own failure, or after another server's
 * failure when the whole fleet goes back (rollback-scope: all).
 */
export async function undoRelease(host: HostContext, p: PreparedRelease, why: string): Promise<string> {
  const ctx = deployContext(host);
  const back = await stepper(ctx)('rollback', () =>
    rollbackTo(ctx, p.up.previous, p.release, p.restart, p.staged)
  );
  if (p.processesMoved)
    await stepper(ctx)('processes', () => moveProcesses(ctx, back.target, { write: false }));
  host.notePhase?.({ phase: 'rolled-back', release: back.target, previous: p.release });
  ctx.facts.release = back.target;
  ctx.facts['previous-release'] = p.up.previous;
  // The release that went live and failed, for the summary and the GitHub deployment.
  ctx.facts['failed-release'] = p.release;
  ctx.facts['rolled-back'] = 'true';
  ctx.facts.reload = back.reload;
  ctx.facts['rollback-reason'] = why.split('\n')[0]!;
  host.setStatus('rolled-back');
  return back.target;
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
