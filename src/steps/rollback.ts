import type { DeployContext } from '../deploy/context.js';
import { lastLines, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { asUser } from '../deploy/app-run.js';
import { restoreScript, type StagedConfig } from './config.js';
import { switchRelease, type Switched } from './switch.js';
import { verifyRelease } from './verify.js';
import { bootCandidate } from './candidate.js';
import { DeployError, errorMessage, type StepOutcome } from './step.js';
import { listStatesCommand, parseStates } from '../deploy/release-record.js';
import {
  readReleaseSettingsCommand,
  readRememberedCommand,
  settingsOfRelease
} from '../deploy/remembered.js';
import { sendAlert } from '../provision/alerts.js';

/** The last lines Gunicorn and systemd wrote about the app: why a release failed. */
export async function errorLogTail(ctx: DeployContext, lines = 30): Promise<string> {
  const q = shQuote;
  const res = await ctx.remote
    .script(
      // Read as the app's user, who owns the log folder: a log it replaced by a link to a
      // root-only file shows nothing here.
      `${asUser(ctx.paths.user, `tail -n ${lines} -- "$1" 2>/dev/null || true`, [q(`${ctx.paths.logDir}/error.log`)])} || true
echo '--- journal'
journalctl -u ${q(ctx.paths.units.service.name)} -n ${Math.ceil(lines / 2)} --no-pager -o short-iso 2>/dev/null || true`,
      { sudo: true, timeoutMs: 30_000 }
    )
    .catch(() => undefined);
  return res ? lastLines(res.stdout, lines + lines / 2 + 1) : '';
}

/**
 * Where an automatic rollback goes: the release that served before the failed one when it was
 * proven live (or predates recorded states: it was serving until this run), else the newest release
 * proven live other than the failed one.
 */
export function autoRollbackTarget(
  states: Map<string, string>,
  previous: string,
  failed: string
): string | undefined {
  const st = states.get(previous);
  if (previous && (st === 'live' || st === 'none')) return previous;
  return [...states]
    .filter(([id, state]) => state === 'live' && id !== failed)
    .map(([id]) => id)
    .sort()
    .at(-1);
}

/**
 * Puts the newest release proven live back in service after a failed switch: the configuration
 * the failed deploy replaced is restored, the release is booted as a candidate with it (checked
 * with the settings the last successful deploy remembered, the ones that release was proven with),
 * then the same flip and proof as a deploy. Reload or restart as the way forward decided: a new
 * master was needed to leave the old venv or units, so one is needed to return.
 */
export async function rollbackTo(
  ctx: DeployContext,
  previous: string,
  failed: string,
  restart: boolean,
  staged?: StagedConfig
): Promise<StepOutcome & Switched & { target: string }> {
  const found = await runScript(
    ctx,
    'reading the releases',
    `${listStatesCommand(ctx)}
${readRememberedCommand(ctx)}
${readReleaseSettingsCommand(ctx)}`,
    { timeoutMs: 30_000 }
  );
  const states = parseStates(found.stdout);
  const target = autoRollbackTarget(states, previous, failed);
  if (!target) {
    throw new DeployError(
      `no release proven live to go back to (releases: ${[...states].map(([id, st]) => `${id} ${st}`).join(', ') || 'none'})`
    );
  }
  // The release going back is proven with its own settings, never the failed one's inputs; on the
  // way back a record that cannot be read is a warning, not a reason to stay on a broken release.
  let proof: DeployContext = ctx;
  try {
    const settings = settingsOfRelease(
      { ...ctx, settings: { ...ctx.settings, given: [] } },
      found.stdout,
      target
    );
    proof = { ...ctx, settings };
  } catch (err) {
    ctx.logger.warning(`${ctx.label}: ${errorMessage(err)}; ${target} is proven with this run's settings`);
  }
  if (staged && staged.changedFiles.length > 0) {
    await runScript(ctx, 'restoring the previous configuration', restoreScript(ctx, staged), {
      timeoutMs: 60_000
    });
  }
  // The way back is what a cancelled run must still finish: its proof ignores the cancellation.
  const back = { ...proof, signal: undefined };
  await bootCandidate(back, target, { envFile: ctx.paths.envFile, gunicornConf: ctx.paths.gunicornConf });
  // Another release than the one the way forward left: its venv may differ, so a new master.
  const switched = await switchRelease(ctx, target, restart || target !== previous);
  await verifyRelease(back, target, switched.oldWorkers, switched.master);
  await sendAlert(
    ctx,
    'rollback',
    `release ${failed} failed after the switch and was rolled back; ${target} is serving`
  );
  return {
    ...switched,
    target,
    detail: `current -> ${target} (${switched.reload}), candidate and live proven`
  };
}
