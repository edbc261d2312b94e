import type { Logger } from './log.js';
import type { HostReport, RunReport } from './report.js';
import { SettingsError, hostLabel, type HostSpec, type Settings } from './settings.js';
import { registerSecrets, targetFor } from './targets.js';
import { sourceProblems } from './source-check.js';
import { startManifest } from './early-manifest.js';
import type { Remote, SshTarget } from './ssh/types.js';
import { connect as sshConnect } from './ssh/connection.js';
import { errorMessage, step } from './steps/step.js';
import { activateThenTidy } from './modes/go-live.js';
import { modeStrategy } from './modes/index.js';
import { bufferedLogger, planBatches } from './fleet.js';
import { troubleshootingRef } from './troubleshooting.js';
import { sectionFor } from './error-section.js';
import { abortable, CancelledError, reasonOf } from './cancel.js';
import type { HostContext, ModeStrategy, RollingStrategy } from './modes/types.js';
import type { PhaseNote } from './phase-state.js';
import { deployNotifier } from './notify/webhook.js';

// The contracts between the engine and the modes live in modes/types.ts (no import cycle).
export type { HostContext, ModeStrategy, RollingStrategy } from './modes/types.js';
export type { PhaseNote } from './phase-state.js';
// Where the front doors have always found them; they belong to the settings (src/settings/hosts.ts).
export { hostLabel } from './settings.js';
export { registerSecrets, secretValues, targetFor } from './targets.js';

export type Connector = (target: SshTarget, logger: Logger) => Promise<Remote>;

export interface EngineDeps {
  logger: Logger;
  connect?: Connector;
  /** The run's cancellation (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Called whenever a host's deploy phase changes (the action saves it in its state). */
  onPhase?: (index: number, host: string, note: PhaseNote) => void;
  /** The mode's strategy; by default the one settings.mode names (tests pass their own). */
  strategy?: ModeStrategy;
}

/** One server's part in a run: its report, its connection and what its mode prepared. */
interface HostSlot {
  spec: HostSpec;
  report: HostReport;
  ctx?: HostContext;
  remote?: Remote;
  started: number;
}

export async function runEngine(
  settings: Settings,
  deps: EngineDeps
): Promise<{ report: RunReport; factKeys: string[] }> {
  const { logger, signal } = deps;
  const connect = deps.connect ?? sshConnect;
  registerSecrets(settings, logger);
  const strategy = deps.strategy ?? modeStrategy(settings.mode);
  const start = performance.now();
  const slots: HostSlot[] = settings.hosts.map((spec) => ({
    spec,
    started: 0,
    report: { host: hostLabel(spec), ok: false, status: 'not started', steps: [], ms: 0, facts: {} }
  }));
  const local = await sourceProblems(settings);
  if (local.length > 0) {
    // Printed once, by the front end (the action's annotation, the CLI's last line).
    const error = new SettingsError(local).message;
    const hosts = slots.map((s) => s.report);
    return {
      report: {
        mode: settings.mode,
        ok: false,
        status: 'failed',
        hosts,
        ms: performance.now() - start,
        error
      },
      factKeys: strategy.factKeys
    };
  }

  // What the upload will send, listed and hashed while SSH connects (src/early-manifest.ts).
  if (settings.mode === 'deploy') startManifest(settings.app.source, settings.app.exclude);
  // Started once the inputs are known good; its end waits a bounded moment (src/notify/webhook.ts).
  const notifier = deployNotifier(settings, logger);
  const open = async (slot: HostSlot, log: Logger): Promise<HostContext> => {
    if (signal?.aborted)
      throw new CancelledError(
        `the run was cancelled (${reasonOf(signal)}) before it reached ${slot.report.host}`
      );
    slot.started = performance.now();
    const { report } = slot;
    const label = report.host;
    const remote = await step(log, report.steps, label, 'connect', async () => {
      const r = await connect(targetFor(settings, slot.spec), log);
      return Object.assign(r, { detail: `${settings.ssh.user}@${label}` });
    });
    slot.remote = remote;
    report.status = strategy.okStatus;
    slot.ctx = {
      remote,
      settings,
      logger: log,
      label,
      records: report.steps,
      facts: report.facts,
      setStatus: (s) => (report.status = s),
      signal,
      notePhase: (note) => deps.onPhase?.(slots.indexOf(slot), label, note),
      reconnect: () => connect({ ...targetFor(settings, slot.spec), retries: 0 }, log)
    };
    return slot.ctx;
  };
  const fail = (slot: HostSlot, err: unknown): void => {
    const r = slot.report;
    r.ok = false;
    if (r.status === strategy.okStatus || r.status === 'not started')
      r.status = signal?.aborted ? 'cancelled' : 'failed';
    const failedStep = r.steps.filter((st) => !st.ok).at(-1)?.name;
    r.error = `${errorMessage(err)}\n${troubleshootingRef(sectionFor(settings.mode, failedStep))}`;
  };

  try {
    if (strategy.rolling)
      await runRolling(settings, strategy.rolling, slots, open, fail, logger, strategy.okStatus, signal);
    else if (strategy.parallel) {
      await Promise.all(
        slots.map(async (slot) => {
          try {
            await strategy.runHost(await open(slot, logger));
            slot.report.ok = true;
          } catch (err) {
            fail(slot, err);
          } finally {
            slot.report.ms = performance.now() - slot.started;
          }
        })
      );
    } else {
      for (const slot of slots) {
        if (signal?.aborted) break;
        try {
          await strategy.runHost(await open(slot, logger));
          slot.report.ok = true;
        } catch (err) {
          fail(slot, err);
          // A failed host stops the run: servers not yet touched are left alone. The checks that
          // change nothing go on: each server's answer is its own.
          if (!['preflight', 'verify', 'loadtest', 'status', 'logs'].includes(settings.mode)) break;
        } finally {
          slot.report.ms = performance.now() - slot.started;
        }
      }
    }
  } finally {
    for (const s of slots) if (s.remote?.roundTrips !== undefined) s.report.roundTrips = s.remote.roundTrips;
    for (const s of slots) if (s.remote?.waits !== undefined) s.report.waits = s.remote.waits;
    await Promise.all(slots.map((s) => s.remote?.close().catch(() => undefined)));
  }

  const hosts = slots.map((s) => s.report);
  const ok = hosts.every((h) => h.ok);
  const failed = hosts.find((h) => h.error);
  const others = hosts.filter((h) => h !== failed && h.facts['rolled-back'] === 'true').map((h) => h.host);
  const report: RunReport = {
    mode: settings.mode,
    ok,
    status: ok ? strategy.okStatus : (failed?.status ?? 'failed'),
    hosts,
    ms: performance.now() - start,
    error: failed
      ? `${failed.host}: ${failed.error}${others.length ? `\nRolled back on the servers already switched in this run: ${others.join(', ')}.` : ''}`
      : undefined
  };
  await notifier.end(report);
  return { report, factKeys: strategy.factKeys };
}

/**
 * Several servers, safely: the servers of a batch (max-parallel of them, a canary alone) are
 * prepared and then switched together, batch after batch in the order given. The first failure
 * stops the rollout: servers not yet touched stay as they are, and with rollback-scope all, servers
 * already switched in this run go back to their previous release.
 */
async function runRolling(
  settings: Settings,
  rolling: RollingStrategy<unknown>,
  slots: HostSlot[],
  open: (slot: HostSlot, log: Logger) => Promise<HostContext>,
  fail: (slot: HostSlot, err: unknown) => void,
  logger: Logger,
  okStatus: string,
  signal?: AbortSignal
): Promise<void> {
  const prepared = new Map<HostSlot, unknown>();
  const activated: HostSlot[] = [];
  const live = new Set<HostSlot>();
  const tidying = new Map<HostSlot, Promise<void>>();
  // In a fleet, its own group of lines, as it runs while the next batch prepares.
  const tidy = (slot: HostSlot): Promise<void> => {
    const buffered = slots.length > 1 ? bufferedLogger(logger, slot.report.host) : undefined;
    const ctx = { ...slot.ctx!, logger: buffered ?? logger };
    return rolling
      .tidy(ctx, prepared.get(slot))
      .catch((err: unknown) => logger.warning(`${slot.report.host}: ${errorMessage(err)}`))
      .finally(async () => {
        await buffered?.flush(`${slot.report.host}: tidy`);
        slot.report.ms = performance.now() - slot.started;
      });
  };
  let failure: { slot: HostSlot; why: string } | undefined;
  try {
    for (const batch of planBatches(slots, settings.fleet.maxParallel, settings.fleet.canary)) {
      // Cancelled between batches: the next one is not started; that counts as a failure, so
      // with rollback-scope all the servers already switched go back too.
      if (signal?.aborted) {
        const why = `the run was cancelled (${reasonOf(signal)}) before it reached ${batch[0]!.report.host}`;
        // The run's error and status say so; without a failed slot the summary named no cause.
        if (!failure) fail(batch[0]!, new CancelledError(why));
        failure ??= { slot: batch[0]!, why };
        break;
      }
      const parallel = batch.length > 1;
      const results = await Promise.allSettled(
        batch.map(async (slot) => {
          const buffered = parallel ? bufferedLogger(logger, slot.report.host) : undefined;
          const log = buffered ?? logger;
          try {
            const ctx = await open(slot, log);
            // Everything before the switch may simply stop when the run is cancelled: a command
            // in flight (an upload, a pip install) is ended, and release() lets go of the lock.
            prepared.set(
              slot,
              await rolling.prepare(signal ? { ...ctx, remote: abortable(ctx.remote, signal) } : ctx)
            );
          } finally {
            await buffered?.flush(`${slot.report.host}: prepare`);
            if (slot.ctx) slot.ctx.logger = logger;
          }
        })
      );
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          fail(batch[i]!, r.reason);
          failure ??= { slot: batch[i]!, why: errorMessage(r.reason) };
        }
      });
      if (failure) break;
      // Each switch is zero-downtime on its own server (HUP, or a restart behind the socket unit),
      // so the servers of one batch switch together; batches, and so most servers, wait their turn.
      const activations = await Promise.allSettled(
        batch.map(async (slot) => {
          const buffered = parallel ? bufferedLogger(logger, slot.report.host) : undefined;
          if (buffered) slot.ctx!.logger = buffered;
          try {
            // Live once proven (even if post-activate then failed): tidied below, in batch order.
            await activateThenTidy(
              () => rolling.activate(slot.ctx!, prepared.get(slot)),
              async () => void live.add(slot)
            );
          } finally {
            await buffered?.flush(`${slot.report.host}: activate`);
            slot.ctx!.logger = logger;
            slot.report.ms = performance.now() - slot.started;
          }
        })
      );
      activations.forEach((r, i) => {
        const slot = batch[i]!;
        if (r.status === 'fulfilled') slot.report.ok = true;
        // Live, even when it then failed (post-activate): tidied like the others and, with
        // rollback-scope all, taken back with them; the fleet never ends on two releases.
        if (live.has(slot)) {
          activated.push(slot);
          tidying.set(slot, tidy(slot));
        }
        if (r.status === 'rejected') {
          fail(slot, r.reason);
          failure ??= { slot, why: errorMessage(r.reason) };
        }
      });
      if (failure) break;
    }
    // A server's history gets its deploy line before any rollback line.
    await Promise.all(tidying.values());
    if (failure && settings.fleet.rollbackScope === 'all') {
      for (const slot of activated.reverse()) {
        const why = `${failure.slot.report.host} failed: ${failure.why.split('\n')[0]}`;
        try {
          await rolling.undo(slot.ctx!, prepared.get(slot), why);
          slot.report.ok = false;
        } catch (err) {
          fail(slot, new Error(`rolling back after ${why} failed: ${errorMessage(err)}`));
        }
      }
    }
  } finally {
    await Promise.all(tidying.values());
    // Prepared but stopped before their switch (another server of the batch failed, or the run was
    // cancelled): their old release serves, which "deployed" would deny.
    for (const slot of prepared.keys())
      if (!activated.includes(slot) && !slot.report.error && slot.report.status === okStatus)
        slot.report.status = signal?.aborted ? 'cancelled' : 'not switched';
    for (const [slot, p] of prepared) await rolling.release(slot.ctx!, p).catch(() => undefined);
    for (const slot of slots)
      if (slot.started && !slot.report.ms) slot.report.ms = performance.now() - slot.started;
  }
}
