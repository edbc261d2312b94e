import type { DeployContext } from '../deploy/context.js';
import type { Settings } from '../settings.js';
import { aheadAdvice, aheadCommand, migrationsDir, type MigrationState } from '../deploy/migration-state.js';
import { shQuote } from '../ssh/quote.js';
import { runHook } from './hooks.js';
import { errorMessage, type StepOutcome } from './step.js';
import { settingsOfRelease } from '../deploy/remembered.js';

/** What a rollback does about the database the release it leaves may have migrated. */
export interface LeaveMigration {
  /** The release whose migration stays in the database ('' when none): database-ahead names it. */
  ahead: string;
  /** Its migration was undone by its rollback-command: its record goes. */
  undone: boolean;
}

/**
 * Before a rollback boots the older release: when the release it leaves changed the schema, its
 * rollback-command (its own remembered one, or the input) runs in that NEWER release, which has
 * the migration files, as the app's user with the app's environment; a failure stops the rollback
 * with nothing switched and the command's last lines. Without one, the rollback goes on and says
 * that the database is ahead of the code and what to run.
 */
export async function leaveMigration(
  ctx: DeployContext,
  state: MigrationState,
  leaving: string,
  target: string,
  leavingSettings: Settings
): Promise<StepOutcome & LeaveMigration> {
  // Forward (rollback-to a newer release) or a release that migrated nothing: the database fits.
  const migratedBy = state.ahead && state.ahead !== target ? state.ahead : leaving;
  if (!state.migrated.has(migratedBy) || target >= migratedBy)
    return { ahead: '', undone: false, changed: false, detail: 'no migration to undo' };
  const command = leavingSettings.deploy.rollbackCommand;
  if (!command || migratedBy !== leaving) {
    const advice = aheadAdvice(ctx, migratedBy);
    ctx.facts['database-warning'] = advice;
    ctx.logger.warning(`${ctx.label}: ${advice}`);
    return {
      ahead: migratedBy,
      undone: false,
      changed: false,
      detail: `none: the database stays ahead (${migratedBy})`
    };
  }
  await runHook(ctx, 'rollback-command', command, leaving, ctx.paths.envFile);
  return { ahead: '', undone: true, detail: `ran in ${leaving}` };
}

/**
 * The rollback failed after the downgrade ran: the release that keeps serving runs its own
 * pre-activate (remembered with it) again, so its code and its schema agree again.
 */
export async function redoMigration(
  ctx: DeployContext,
  leaving: string,
  leavingSettings: Settings
): Promise<StepOutcome> {
  const again = leavingSettings.deploy.preActivate;
  if (!again) {
    ctx.logger.warning(
      `${ctx.label}: the rollback-command of ${leaving} ran and the rollback failed: ${leaving} serves on the older schema; run its migrations again (deploy it, or mode run with its upgrade command)`
    );
    return { changed: false, detail: 'no pre-activate remembered' };
  }
  await runHook(ctx, 'pre-activate', again, leaving, ctx.paths.envFile);
  return { detail: `pre-activate of ${leaving} ran again` };
}

/** The shell that records what the rollback left: the release the database is ahead for, or none. */
export function leftMigrationCommand(ctx: DeployContext, leaving: string, left: LeaveMigration): string {
  const undone = left.undone ? `\nrm -f ${shQuote(`${migrationsDir(ctx)}/${leaving}`)}` : '';
  return `${aheadCommand(ctx, left.ahead)}${undone}`;
}

/**
 * The settings of the release a rollback leaves (its rollback-command, its pre-activate): its own
 * record; one that cannot be read is a warning here (the way back must not depend on it), and the
 * inputs stand in.
 */
export function leavingSettings(base: DeployContext, stdout: string, leaving: string): Settings {
  try {
    return settingsOfRelease(base, stdout, leaving);
  } catch (err) {
    base.logger.warning(`${base.label}: ${errorMessage(err)}; the inputs stand in for ${leaving}'s settings`);
    return base.settings;
  }
}

/**
 * The service's units and Gunicorn config are the serving release's (a rollback does not write
 * them): a release built with another wsgi-app, workers or preload-libraries is proven with its
 * own (the candidate) but served under the current ones. Said before the switch, so a failed
 * verify (the release that served is put back) is understood.
 */
export function unitsDifferNote(ctx: DeployContext, leaving: Settings, target: string): void {
  const a = leaving.deploy;
  const b = ctx.settings.deploy;
  const differ = [
    a.wsgiApp !== b.wsgiApp ? `wsgi-app ${b.wsgiApp} (the service runs ${a.wsgiApp})` : '',
    a.workers !== b.workers ? `workers ${b.workers} (the service runs ${a.workers})` : '',
    a.preloadLibraries !== b.preloadLibraries ? `preload-libraries ${b.preloadLibraries}` : ''
  ].filter((x) => x);
  if (differ.length)
    ctx.logger.warning(
      `${ctx.label}: release ${target} was built with ${differ.join(', ')}; the service's units stay as they are, so it serves under the current ones. If it does not come up healthy, deploy its source again instead.`
    );
}
