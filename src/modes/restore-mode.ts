import type { ModeStrategy } from './types.js';
import { parseFacts, type DeployContext } from '../deploy/context.js';
import { withRememberedSettings } from '../deploy/remembered.js';
import { lockStep } from '../steps/lock.js';
import { verifyRelease } from '../steps/verify.js';
import { recordHistory } from '../steps/history.js';
import {
  cleanupCommand,
  putBackSafety,
  requireDatabase,
  stageRestore,
  swapDatabase
} from '../steps/restore.js';
import { DeployError, errorMessage, step, type StepOutcome } from '../steps/step.js';
import type { StepName } from '../steps/catalog.js';
import { deployContext } from '../deploy/context.js';
import { recordRestoreCommand } from '../steps/restore-undo.js';

export const RESTORE_KEYS = ['release', 'restored-backup', 'safety-backup', 'requests-held-ms'];

/** The server's clock in ms, to measure how long requests waited against its own stop time. */
async function serverNowMs(ctx: DeployContext, also: string): Promise<number> {
  const res = await ctx.remote.script(`echo "now_ns=$(date +%s%N)"\n${also}`, {
    sudo: true,
    timeoutMs: 30_000
  });
  return Number(parseFacts(res.stdout).now_ns ?? 0) / 1e6;
}

/**
 * Puts a database backup back, under the deploy lock: the backup is checked before anything
 * changes; the service stops while its socket unit keeps listening (requests wait in the backlog,
 * none is refused); a safety copy of the database as it was is kept; SQLite's backup API restores
 * into the same file as the app's user; the result is checked, the service started and proven
 * healthy like a deploy. If any of that fails, the safety copy goes back.
 */
export const restoreMode: ModeStrategy = {
  factKeys: RESTORE_KEYS,
  okStatus: 'restored',
  async runHost(host) {
    const ctx = await withRememberedSettings(deployContext(host));
    requireDatabase(ctx, 'restore');
    const s = <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> =>
      step(ctx.logger, ctx.records, ctx.label, name, fn);
    const lock = await lockStep(ctx);
    let id = ctx.settings.deploy.backup;
    try {
      const staged = await s('check backup', () => stageRestore(ctx, id));
      id = staged.id;
      if (staged.undo) ctx.logger.warning(`${ctx.label}: ${staged.undo}`);
      ctx.facts['restored-backup'] = id;
      const swapped = await s('restore', () => swapDatabase(ctx));
      ctx.facts['safety-backup'] = swapped.safety;
      ctx.facts.release = swapped.current;
      try {
        await s('verify', () => verifyRelease(ctx, swapped.current, []));
      } catch (err) {
        host.setStatus('failed');
        await s('put back', () => putBackSafety(ctx));
        await s('verify put back', () => verifyRelease(ctx, swapped.current, []));
        await recordHistory(ctx, {
          event: 'restore',
          backup: id,
          safety: swapped.safety,
          status: 'failed',
          why: errorMessage(err).split('\n')[0]!
        });
        throw new DeployError(
          `the app was not healthy on backup ${id} (${errorMessage(err).split('\n')[0]}); the database as it was before (safety copy ${swapped.safety}) was put back and the app is healthy again`,
          'Check the backup against the release serving (an older schema?), or restore another one.'
        );
      }
      const held = Math.max(
        0,
        Math.round(
          (await serverNowMs(
            ctx,
            `${cleanupCommand(ctx)}\n${recordRestoreCommand(ctx, id, swapped.safety)}`
          )) - swapped.stoppedAt
        )
      );
      ctx.facts['requests-held-ms'] = String(held);
      ctx.logger.info(
        `${ctx.label}: backup ${id} restored; requests waited in the socket's queue for at most ${held} ms; the database before is kept as ${swapped.safety} (backup: undo puts it back)`
      );
      await recordHistory(ctx, {
        event: 'restore',
        backup: id,
        safety: swapped.safety,
        release: swapped.current,
        status: 'restored',
        held_ms: String(held)
      });
    } catch (err) {
      host.setStatus('failed');
      await ctx.remote.script(cleanupCommand(ctx), { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
      if (!ctx.records.some((r) => r.name === 'put back'))
        await recordHistory(ctx, {
          event: 'restore',
          backup: id,
          status: 'failed',
          why: errorMessage(err).split('\n')[0]!
        });
      throw err;
    } finally {
      await lock.release();
    }
  }
};
