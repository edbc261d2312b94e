import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import type { StepOutcome } from './step.js';
import { KV_FN } from '../ssh/shell-fns.js';

export type ReloadKind = 'hup' | 'restart' | 'start';

/**
 * Shell defining `children PID` (templates/scripts/children.sh): the PIDs whose parent is PID
 * (Gunicorn's workers), read by bash from the kernel's list, with no process started.
 */
export function childrenFn(): string {
  return serverScript('children', {});
}

/**
 * Flips `current` atomically (a new link renamed over the old one) and tells Gunicorn
 * (templates/scripts/switch.sh). HUP when only code changed: the master re-reads its config and
 * forks workers that import the new release while the socket stays open. A new venv or changed
 * units/environment need a new master, so a restart; the socket unit keeps the listening socket,
 * so no connection is refused. The socket unit itself is never restarted, and workers are never
 * signalled directly.
 */
export function switchScript(ctx: DeployContext, release: string, restart: boolean): string {
  const p = ctx.paths;
  return `${childrenFn()}${KV_FN}\n${serverScript('switch', {
    service: p.units.service.name,
    last_switch: p.lastSwitch,
    release_link: p.releaseLink(release),
    tmp_link: `${p.dir}/.current.tmp`,
    current: p.current,
    restart: restart ? 'yes' : 'no'
  })}`;
}

export interface Switched extends StepOutcome {
  reload: ReloadKind;
  oldWorkers: string[];
  /** The master's PID after a HUP (the same master before and after): the verify's to reuse. */
  master?: string;
}

/** How the switch runs: also how it is sent ahead with the units (the same text and options). */
export const SWITCH_OPTS = { sudo: true, timeoutMs: 120_000 };

/**
 * Sends the switch with the next root command (the units): one round trip for both, the switch
 * running only if the units succeeded. switchRelease then takes its answer.
 */
export function sendSwitchAhead(ctx: DeployContext, release: string, restart: boolean): void {
  ctx.remote.sendNext?.(switchScript(ctx, release, restart), SWITCH_OPTS);
}

export async function switchRelease(
  ctx: DeployContext,
  release: string,
  restart: boolean
): Promise<Switched> {
  const res = await runScript(
    ctx,
    `switching to ${release}`,
    switchScript(ctx, release, restart),
    SWITCH_OPTS
  );
  const f = parseFacts(res.stdout);
  const reload = (f.reload ?? 'start') as ReloadKind;
  return {
    reload,
    oldWorkers: (f.old_workers ?? '').split(/\s+/).filter((s) => s),
    ...(reload === 'hup' && f.master ? { master: f.master } : {}),
    detail: `current -> ${release}, ${reload}`
  };
}
