import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import type { StepOutcome } from '../steps/step.js';
import { changedList, prelude, REPORT, wouldLines } from './shell.js';

export interface ProvisionResult extends StepOutcome {
  changes: string[];
  facts: Record<string, string>;
}

/**
 * Runs one provision script (with the dry-run prelude) as root, prints what a dry run would do,
 * and turns the `changed=` line into the step's outcome.
 */
export async function runProvisionScript(
  ctx: DeployContext,
  what: string,
  body: string,
  /** stdin: content for the script (file text: never in the command line). */
  opts: { timeoutMs?: number; hint?: string; stdin?: string } = {}
): Promise<ProvisionResult> {
  const dry = ctx.settings.provision.dryRun;
  const res = await runScript(ctx, what, `${prelude(dry)}\n${body}\n${REPORT}\n`, {
    timeoutMs: opts.timeoutMs ?? 120_000,
    hint: opts.hint,
    stdin: opts.stdin
  });
  const facts = parseFacts(res.stdout);
  for (const line of wouldLines(res.stdout)) ctx.logger.info(line);
  const changes = changedList(facts);
  return {
    changes,
    facts,
    changed: changes.length > 0,
    detail: changes.length === 0 ? 'unchanged' : `${dry ? 'would change' : 'changed'}: ${changes.join(', ')}`
  };
}
