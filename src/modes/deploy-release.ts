import type { HostContext } from './types.js';
import { throwIfCancelled, uncancellable } from '../cancel.js';
import type { DeployContext } from '../deploy/context.js';
import type { HeldLock } from '../steps/lock.js';
import type { Uploaded } from '../steps/upload.js';
import type { StagedConfig } from '../steps/config.js';
import { recordHistory } from '../steps/history.js';
import { step, type StepOutcome } from '../steps/step.js';
import type { StepName } from '../steps/catalog.js';

/**
 * What prepare, activate, tidy and undo of one release share (deploy-mode.ts, deploy-tidy.ts,
 * deploy-undo.ts): the release made ready, and how each runs its steps.
 */

/** Steps that still run in a cancelled run: the way back, and what follows a proven switch. */
const AFTER_CANCEL: StepName[] = ['units', 'rollback', 'processes', 'post-activate', 'prune'];

export function stepper(ctx: DeployContext) {
  return <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> => {
    if (!AFTER_CANCEL.includes(name)) throwIfCancelled(ctx.signal, `step ${name}`);
    return step(ctx.logger, ctx.records, ctx.label, name, fn);
  };
}

/** A run cancelled before the switch: nothing changed for users; the history says so. */
export async function noteCancelled(host: HostContext, ctx: DeployContext, why: string): Promise<void> {
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
export interface Tidy {
  keep: string[];
  entry: Record<string, string>;
  record: string;
  then: string;
}
