import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { healthUrl } from '../deploy/health.js';
import { stateCommand } from '../deploy/release-record.js';
import { childrenFn } from './switch.js';
import { KV_FN, MS_FN, NAP_FN, RUNNING_FN } from '../ssh/shell-fns.js';
import { DeployError, type StepOutcome } from './step.js';

/** How long old workers still running may keep the health path from being asked (see the script). */
export const OLD_WORKERS_GRACE_MS = 1000;

/**
 * A reload returns before new workers serve (ExecReload is asynchronous, READY comes before the
 * app is imported), so the proof is polled in one server-side loop (templates/scripts/verify.sh):
 * as many new worker processes as the config asks for, each working in the release, and the
 * health path answering 200 (with health-expect in the body) through the app's socket, asked once
 * the old workers were told to stop. Old workers may still be finishing their requests (they
 * accept no new ones once told to stop).
 */
export function verifyScript(
  ctx: DeployContext,
  release: string,
  /** 'saved': as the switch before it wrote them (a verify sent together with its switch). */
  oldWorkers: string[] | 'saved',
  /** The master's PID the switch learned when it was a HUP (which keeps the master): not asked again. */
  master?: string
): string {
  const p = ctx.paths;
  const d = ctx.settings.deploy;
  // A short health-timeout keeps most of its time for the proof itself.
  const graceMs = Math.min(OLD_WORKERS_GRACE_MS, Math.floor(d.healthTimeoutMs / 4));
  return [
    childrenFn(),
    MS_FN,
    NAP_FN,
    RUNNING_FN,
    KV_FN,
    `record_live() {\n${stateCommand(ctx, release, 'live')}\n}`,
    serverScript('verify', {
      release_dir: p.releaseDir(release),
      old_workers: oldWorkers === 'saved' ? 'saved' : oldWorkers.join(' '),
      master: master && /^[1-9][0-9]*$/.test(master) ? master : '0',
      last_switch: p.lastSwitch,
      gunicorn_conf: p.gunicornConf,
      service: p.units.service.name,
      socket: p.socket,
      health_url: healthUrl(ctx.settings, d.healthPath),
      health_expect: d.healthExpect,
      health_expect_shown: d.healthExpect.replace(/[^A-Za-z0-9 _.:-]/g, ''),
      timeout_s: Math.max(1, Math.ceil(d.healthTimeoutMs / 1000)),
      grace_ms: graceMs
    })
  ].join('\n');
}

function verifyOpts(ctx: DeployContext) {
  return { sudo: true, ownChannel: true, timeoutMs: ctx.settings.deploy.healthTimeoutMs + 30_000 };
}

/** Queues the verify of a switch sent ahead too; verifyRelease(..., 'saved') then takes its answer. */
export function sendVerifyAhead(ctx: DeployContext, release: string): void {
  ctx.remote.sendNext?.(verifyScript(ctx, release, 'saved'), verifyOpts(ctx));
}

export async function verifyRelease(
  ctx: DeployContext,
  release: string,
  oldWorkers: string[] | 'saved',
  master?: string
): Promise<StepOutcome> {
  const res = await ctx.remote.script(verifyScript(ctx, release, oldWorkers, master), {
    ...verifyOpts(ctx),
    signal: ctx.signal
  });
  const f = parseFacts(res.stdout);
  if (res.code !== 0) {
    throw new DeployError(
      `release ${release} is not live after ${ctx.settings.deploy.healthTimeoutMs / 1000} s: ${f.why ?? res.stderr.trim()}`
    );
  }
  const workers = Number(f.workers ?? 0);
  return { detail: `${workers} workers on ${release}, ${ctx.settings.deploy.healthPath} 200` };
}
