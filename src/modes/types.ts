import type { Remote } from '../ssh/types.js';
import type { DeployContext } from '../deploy/context.js';
import type { PhaseNote } from '../phase-state.js';

/**
 * The contracts between the engine (src/engine.ts: hosts, batches, canary, cancellation) and the
 * modes (what a run does on one host). The engine imports the modes; modes import only this file.
 */

/** What a mode does on one host once connected. */
/** The facts a deploy or a rollback reports (outputs), whatever happened. */
export const DEPLOY_KEYS = ['release', 'previous-release', 'reload', 'rolled-back'];

export interface ModeStrategy {
  /** Keys of HostReport.facts shown as the summary's table. */
  factKeys: string[];
  /** Status word for a run where every host succeeded. */
  okStatus: string;
  runHost(ctx: HostContext): Promise<void>;
  /** Every server at once, each on its own (mode logs: a follow runs on all of them together). */
  parallel?: boolean;
  /** Modes that switch servers (deploy) split each host's work so a fleet can roll. */
  rolling?: RollingStrategy<unknown>;
}

/**
 * prepare: everything that changes nothing users see (runs on several servers at once);
 * activate: the switch and its proof, rolling back this server itself on failure;
 * tidy: housekeeping once a server is proven (old releases, history), alongside the next batch;
 * undo: put a successfully activated server back when another server fails (rollback-scope all);
 * release: let go of what prepare holds (the lock), whatever happened.
 */
export interface RollingStrategy<P> {
  prepare(ctx: HostContext): Promise<P>;
  activate(ctx: HostContext, prepared: P): Promise<void>;
  /** After a proven activation; never fails, and the next batch does not wait for it. */
  tidy(ctx: HostContext, prepared: P): Promise<void>;
  undo(ctx: HostContext, prepared: P, why: string): Promise<void>;
  release(ctx: HostContext, prepared: P): Promise<void>;
}

/** One connected host as the engine hands it to a mode: a DeployContext before its paths are known. */
export interface HostContext extends Omit<DeployContext, 'paths'> {
  /** Sets the host's status word (deployed, rolled-back...); failures are thrown. */
  setStatus(status: string): void;
  /** Records how far a deploy got on this host, so a post step can finish what a killed run left. */
  notePhase?(note: PhaseNote): void;
  /** A second, new connection to the same host (the firewall proves a new login still works). */
  reconnect?(): Promise<Remote>;
}
