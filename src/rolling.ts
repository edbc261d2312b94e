import type { Logger } from './log.js';
import type { HostReport } from './report.js';
import type { HostSpec, Settings } from './settings.js';
import type { Remote } from './ssh/types.js';
import { errorMessage } from './steps/step.js';
import { activateThenTidy } from './modes/go-live.js';
import { bufferedLogger, planBatches } from './fleet.js';
import { abortable, CancelledError, reasonOf } from './cancel.js';
import type { HostContext, RollingStrategy } from './modes/types.js';

/** One server's part in a run: its report, its connection and what its mode prepared. */
export interface HostSlot {
  spec: HostSpec;
  report: HostReport;
  ctx?: HostContext;
  remote?: Remote;
  started: number;
}

/**
 * Several servers, safely: the servers of a batch (max-parallel of them, a canary alone) are
 * prepared and then switched together, batch after batch in the order given. The first failure
 * stops the rollout: servers not yet touched stay as they are, and with rollback-scope all, servers
 * already switched in this run go back to their previous release.
 */
export async function runRolling(
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
