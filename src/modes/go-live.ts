import { AfterProofError } from '../steps/step.js';

/**
 * Switches a prepared release and proves it, then tidies: the one way a release goes live, for a
 * deploy, a fleet (whose tidy runs beside the next batch) and provision's first deploy. A release
 * proven healthy is live even when what follows the proof fails (post-activate: AfterProofError),
 * so it gets its tidy all the same (old releases out, the history line, the release record) before
 * that error goes on; any other failure was rolled back by the activation and is not tidied.
 */
export async function activateThenTidy(
  activate: () => Promise<void>,
  tidy: () => Promise<void>
): Promise<void> {
  try {
    await activate();
  } catch (err) {
    if (err instanceof AfterProofError) await tidy();
    throw err;
  }
  await tidy();
}
