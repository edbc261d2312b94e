import { DEPLOY_KEYS, type ModeStrategy } from './types.js';
import { parseFacts, runScript, type DeployContext } from '../deploy/context.js';
import { lockStep } from '../steps/lock.js';
import { switchRelease } from '../steps/switch.js';
import { verifyRelease } from '../steps/verify.js';
import { moveProcesses } from '../steps/processes.js';
import { errorLogTail } from '../steps/rollback.js';
import { bootCandidate } from '../steps/candidate.js';
import { recordHistory } from '../steps/history.js';
import { listStatesCommand, parseStates, stateCommand } from '../deploy/release-record.js';
import {
  readReleaseSettingsCommand,
  readRememberedCommand,
  settingsOfRelease
} from '../deploy/remembered.js';
import { DeployError, errorMessage, step, type StepOutcome } from '../steps/step.js';
import type { StepName } from '../steps/catalog.js';
import { deployContext } from '../deploy/context.js';
import { parseMigrationState, readMigrationStateCommand } from '../deploy/migration-state.js';
import {
  leaveMigration,
  leavingSettings,
  leftMigrationCommand,
  redoMigration,
  unitsDifferNote,
  type LeaveMigration
} from '../steps/rollback-command.js';
import { keptGunicornConf, parseKeptConfig, readKeptConfigCommand } from '../deploy/release-config.js';
import { installKept, putBackConfig } from '../steps/release-units.js';
import { serverScript } from '../render/scripts.js';

/** States a release named by rollback-to may have: it served once. */
const NAMEABLE = new Set(['live', 'rolled-back']);

/**
 * The release to go back to: rollback-to when it served once, else the newest release proven live
 * other than the current one. Refused releases (and ones never proven) are never chosen.
 */
export function rollbackTarget(
  states: Map<string, string>,
  current: string,
  wanted: string
): { target?: string; why?: string } {
  if (wanted) {
    const st = states.get(wanted);
    if (!st || st === 'incomplete')
      return { why: `release ${wanted} is not on the server (or its venv is gone)` };
    if (wanted === current) return { why: `release ${wanted} is the current release` };
    if (!NAMEABLE.has(st))
      return { why: `release ${wanted} is ${st === 'none' ? 'not known to have served' : st}` };
    return { target: wanted };
  }
  const live = [...states].filter(([id, st]) => st === 'live' && id !== current).map(([id]) => id);
  const target = live.sort().at(-1);
  return target ? { target } : { why: 'there is no release proven live other than the current one' };
}

/**
 * Switches to the newest release proven live before the current one (or rollback-to): booted as a
 * candidate on a private socket first, under its own Gunicorn config, then its own service unit
 * and config put in place (release-config.ts), the same switch (a restart when they differ) and
 * proof as a deploy. If it does not come up healthy, the one that was serving is put back with its
 * files. Health checks use the target's own remembered settings, unless the inputs say otherwise.
 */
export const rollbackMode: ModeStrategy = {
  factKeys: DEPLOY_KEYS,
  okStatus: 'rolled-back',
  async runHost(host) {
    const base = deployContext(host);
    const p = base.paths;
    const wanted = base.settings.deploy.rollbackTo;
    base.facts['rolled-back'] = 'false';
    const lock = await lockStep(base);
    let ctx: DeployContext = base;
    const s = <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> =>
      step(ctx.logger, ctx.records, ctx.label, name, fn);
    try {
      const found = await s('find release', async () => {
        const res = await runScript(
          base,
          'reading the releases',
          `${serverScript('rollback_releases', { releases: p.releases, current: p.current })}${listStatesCommand(base)}
${readRememberedCommand(base)}
${readReleaseSettingsCommand(base)}
${readMigrationStateCommand(base)}
${readKeptConfigCommand(base)}
`,
          { timeoutMs: 30_000 }
        );
        const f = parseFacts(res.stdout);
        const states = parseStates(res.stdout);
        const venvs = new Map(
          [...res.stdout.matchAll(/^venv_([0-9A-Za-z._-]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!])
        );
        // A release whose venv is gone cannot start.
        for (const id of states.keys()) if (!venvs.has(id)) states.set(id, 'incomplete');
        return { facts: f, states, venvs, stdout: res.stdout, detail: '' };
      });
      const current = found.facts.current ?? '';
      ctx = base;
      ctx.facts['previous-release'] = current;
      ctx.facts.release = current;
      const pick = rollbackTarget(found.states, current, wanted);
      const list = [...found.states].map(([id, st]) => `${id} (${st})`).join(', ');
      if (!pick.target) {
        host.setStatus('failed');
        await recordHistory(ctx, { event: 'rollback', from: current, status: 'failed', why: pick.why! });
        throw new DeployError(
          `${pick.why} on ${ctx.label}; nothing was changed, ${current || 'nothing'} keeps serving`,
          `Releases there: ${list || 'none'}. Only a release that was proven live can be rolled back to.`
        );
      }
      const target = pick.target;
      // The release going back is proven and run with its own settings, not the one it replaces.
      ctx = { ...base, settings: settingsOfRelease(base, found.stdout, target) };
      ctx.records.at(-1)!.detail = `${current} -> ${target}`;
      // The target's own unit and Gunicorn config (kept when it went live), else the live ones.
      const kept = parseKeptConfig(found.stdout).get(target);
      const differ = kept ?? [];
      // A new venv, wsgi-app, worker class or preload: a new master (the socket keeps every
      // connection waiting), not a HUP.
      const restart = found.facts.current_venv !== found.venvs.get(target) || differ.length > 0;
      const conf = kept ? keptGunicornConf(base, target) : p.gunicornConf;
      // A rollback that did not happen: the run fails, and the history says why.
      const failed = async (err: unknown): Promise<void> => {
        host.setStatus('failed');
        await recordHistory(ctx, {
          event: 'rollback',
          release: target,
          from: current,
          status: 'failed',
          why: errorMessage(err).split('\n')[0]!
        });
      };
      const leaving = leavingSettings(base, found.stdout, current);
      if (!kept) unitsDifferNote(ctx, leaving, target);
      let left: LeaveMigration = { ahead: '', undone: false };
      // The way back after a downgrade that ran: the release kept serving gets its schema again.
      const redo = async (): Promise<void> => {
        if (left.undone) await s('redo migration', () => redoMigration(ctx, current, leaving));
      };
      try {
        const state = parseMigrationState(found.stdout);
        left = await s('rollback-command', () => leaveMigration(ctx, state, current, target, leaving));
        await s('candidate', () => bootCandidate(ctx, target, { envFile: p.envFile, gunicornConf: conf }));
      } catch (err) {
        await redo().catch(() => undefined);
        await failed(err);
        throw err;
      }
      let moved = false;
      let installed = false;
      try {
        if (differ.length) {
          installed = true;
          await s('units', () => installKept(ctx, target, differ));
        }
        const sw = await s('switch', () => switchRelease(ctx, target, restart));
        ctx.facts.reload = sw.reload;
        ctx.facts.release = target;
        await s('verify', () => verifyRelease(ctx, target, sw.oldWorkers, sw.master));
        moved = true;
        await s('processes', () => moveProcesses(ctx, target, { write: false }));
        ctx.facts['rolled-back'] = 'true';
        await recordHistory(
          ctx,
          { event: 'rollback', release: target, previous: current, status: 'rolled-back' },
          [
            current ? stateCommand(ctx, current, 'rolled-back') : '',
            leftMigrationCommand(ctx, current, left)
          ].join('\n')
        );
      } catch (err) {
        const logs = await errorLogTail(ctx);
        host.setStatus('failed');
        // Its schema first (when the downgrade ran), so the release put back is proven on it; a
        // failure there must not keep it from being put back.
        await redo().catch((e: unknown) =>
          ctx.logger.warning(`${ctx.label}: ${current}'s pre-activate did not run again: ${errorMessage(e)}`)
        );
        // The serving release's own files first, so the restart puts it back as it ran.
        if (installed)
          await s('units', () => putBackConfig(ctx, differ)).catch((e: unknown) =>
            ctx.logger.warning(
              `${ctx.label}: ${current}'s configuration was not put back: ${errorMessage(e)}`
            )
          );
        const sw = await s('restore', () => switchRelease(ctx, current, restart));
        const cur = { ...ctx, settings: leaving };
        await s('verify restored', () => verifyRelease(cur, current, sw.oldWorkers, sw.master));
        if (moved) await s('processes', () => moveProcesses(cur, current, { write: false }));
        ctx.facts.release = current;
        await failed(err);
        throw new DeployError(
          `release ${target} did not come up healthy (${errorMessage(err)}); ${current} was put back and is serving${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`
        );
      }
    } finally {
      await lock.release();
    }
  }
};
