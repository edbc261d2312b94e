import type { Logger } from '../log.js';
import type { StepRecord } from '../report.js';
import type { StepName } from './catalog.js';

/** What a step may return to describe itself in the summary. */
export interface StepOutcome {
  changed?: boolean;
  detail?: string;
  /** Its time on the server, when its answer came together with others' (then the runner's clock cannot tell). */
  ms?: number;
}

/**
 * A step is a unit of log and time: its own log group, its duration and whether it changed
 * anything go into the host's records, and a failure is recorded before it propagates.
 */
export async function step<T extends StepOutcome | void>(
  logger: Logger,
  records: StepRecord[],
  label: string,
  name: StepName,
  fn: () => Promise<T>
): Promise<T> {
  const start = performance.now();
  return logger.group(`${label}: ${name}`, async () => {
    try {
      const out = await fn();
      const ms = out?.ms ?? performance.now() - start;
      records.push({
        name,
        ms,
        ok: true,
        changed: out ? out.changed : undefined,
        detail: out ? out.detail : undefined
      });
      logger.info(
        `${name}: ${out && out.changed === false ? 'unchanged' : 'done'} in ${(ms / 1000).toFixed(2)} s`
      );
      return out;
    } catch (err) {
      records.push({
        name,
        ms: performance.now() - start,
        ok: false,
        detail: errorMessage(err).split('\n')[0]
      });
      throw err;
    }
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An error meant for the user: what went wrong and what to do. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly hint?: string
  ) {
    super(hint ? `${message}\n${hint}` : message);
    this.name = 'DeployError';
  }
}

/**
 * A failure after the release was switched and proven (the post-activate hook): the release is live,
 * so the run records it as deployed (history, release record) before it fails, and a fleet counts
 * the server as switched (rollback-scope all takes it back with the others).
 */
export class AfterProofError extends DeployError {
  constructor(err: unknown) {
    super(errorMessage(err));
    this.name = 'AfterProofError';
  }
}

/** What a refusal before the switch leaves serving: the old release, or nothing on a first deploy. */
export function keepsServing(ctx: { facts: Record<string, string | undefined> }): string {
  return ctx.facts['previous-release'] === ''
    ? ' (nothing served before: a first deploy)'
    : ', the old release keeps serving';
}
