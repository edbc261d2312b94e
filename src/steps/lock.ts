import { PassThrough } from 'node:stream';
import { NAP_FN } from '../ssh/shell-fns.js';
import type { DeployContext } from '../deploy/context.js';
import { parseFacts } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { throwIfCancelled } from '../cancel.js';
import { DeployError, step } from './step.js';
import { lockGuardScript } from './ownership.js';

/** Exit code of the lock script when another deploy kept the lock for the whole timeout. */
const BUSY = 75;
/**
 * The runner sends the holder a line this often; the holder lets go of the lock when none came for
 * HOLDER_PATIENCE_S. A runner that vanishes without closing its connection (a silently dropped
 * network, a frozen or killed VM) so frees the lock within that time, not hours later when TCP
 * gives up.
 */
export const HEARTBEAT_MS = 10_000;
export const HOLDER_PATIENCE_S = 30;

export interface HeldLock {
  /** Releases the lock: ends the holder's stdin, so it exits and flock lets go. */
  release(): Promise<void>;
}

/**
 * Shell that waits until this run's lock holder (sent at the same moment, on its own channel) has
 * the lock: a request sent together with the lock runs under it without waiting for its answer.
 * Bounded: a lock that never comes (busy, refused) ends it with BUSY, and the run fails on the
 * lock's own error.
 */
export function awaitLockScript(ctx: DeployContext, owner: string): string {
  return `${NAP_FN}\n${serverScript('lock_wait', {
    owner_line: `run=${owner}`,
    lock_owner: ctx.paths.lockOwner,
    wait_s: Math.ceil(ctx.settings.deploy.lockTimeoutMs / 1000) + 15,
    busy: BUSY
  })}`;
}

/** Identifies this run in the lock owner file, so a blocked deploy can name the holder. */
export function runId(): string {
  const env = process.env;
  if (env.GITHUB_RUN_ID) {
    return `github-run-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}${env.GITHUB_REPOSITORY ? `@${env.GITHUB_REPOSITORY}` : ''}`;
  }
  return `cli-${process.pid}-${Date.now()}`;
}

/**
 * The lock is held by a process on the server for as long as our SSH channel to it is open and
 * alive: flock on a file, then a loop reading the runner's heartbeat lines on stdin. Releasing ends
 * stdin; a cancelled or crashed runner drops the connection, which ends it too; a runner that is
 * gone without a word stops sending heartbeats, and the holder exits after HOLDER_PATIENCE_S. The
 * owner file says who holds it. The script is templates/scripts/lock.sh, after the ownership refusals.
 */
export function lockScript(ctx: DeployContext, owner: string): string {
  const p = ctx.paths;
  return `${lockGuardScript(ctx.settings)}${serverScript('lock', {
    state: p.state,
    lock: p.lock,
    owner_file: p.lockOwner,
    owner,
    force_unlock: ctx.settings.deploy.forceUnlock ? 1 : 0,
    wait_s: Math.ceil(ctx.settings.deploy.lockTimeoutMs / 1000),
    busy: BUSY,
    patience: HOLDER_PATIENCE_S
  })}`;
}

/**
 * The lock as the step every mode that changes a server starts with (deploy, provision, rollback,
 * restore, run with run-lock): a cancelled run does not start it. Held until release().
 */
export async function lockStep(
  ctx: DeployContext,
  owner = runId(),
  /** A request sent at the same moment waits for this lock on the server (ensureLayout's). */
  alongside = false
): Promise<HeldLock> {
  throwIfCancelled(ctx.signal, 'step lock');
  const held = await step(ctx.logger, ctx.records, ctx.label, 'lock', async () => ({
    lock: await acquireLock(ctx, owner, alongside),
    detail: 'held'
  }));
  return held.lock;
}

export async function acquireLock(ctx: DeployContext, owner = runId(), alongside = false): Promise<HeldLock> {
  const stdin = new PassThrough();
  // A cancelled run stops waiting for the lock; once held, the lock stays until release(), which
  // comes after any rollback the cancellation calls for.
  const waiting = new AbortController();
  const stopWaiting = (): void => waiting.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', stopWaiting, { once: true });
  let out = '';
  let onLocked: (() => void) | undefined;
  const locked = new Promise<void>((resolve) => (onLocked = resolve));
  let waitingShown = false;
  let forcedShown = false;
  const done = ctx.remote.script(lockScript(ctx, owner), {
    sudo: true,
    stdin,
    // The holder lives as long as the whole deploy; the deploy's own steps have their timeouts.
    timeoutMs: 24 * 3_600_000,
    signal: waiting.signal,
    alongside,
    onStdout: (chunk) => {
      out += chunk;
      const facts = parseFacts(out);
      if (facts.waiting !== undefined && !waitingShown) {
        waitingShown = true;
        ctx.logger.info(
          `another deploy holds the lock; waiting up to ${ctx.settings.deploy.lockTimeoutMs / 1000} s: ${facts.waiting}`
        );
      }
      if (facts.forced !== undefined && !forcedShown) {
        forcedShown = true;
        ctx.logger.warning(`force-unlock: ${facts.forced}`);
      }
      if (facts.locked === 'yes') onLocked?.();
    }
  });
  const first = await Promise.race([locked.then(() => 'locked' as const), done]).finally(() =>
    ctx.signal?.removeEventListener('abort', stopWaiting)
  );
  if (first !== 'locked') {
    const facts = parseFacts(first.stdout);
    if (first.code === BUSY) {
      throw new DeployError(
        `another deploy of ${ctx.paths.app} on ${ctx.label} held the lock for the whole lock-timeout (${ctx.settings.deploy.lockTimeoutMs / 1000} s): ${facts.holder?.trim() || 'holder unknown'}`,
        'Wait for it to finish, raise lock-timeout, or, if that run is gone and the lock is stale, run again with force-unlock: true.'
      );
    }
    throw new DeployError(`could not take the deploy lock (exit ${first.code}): ${first.stderr.trim()}`);
  }
  const heartbeat = setInterval(() => stdin.write('\n'), HEARTBEAT_MS);
  heartbeat.unref();
  return {
    async release() {
      clearInterval(heartbeat);
      stdin.end();
      await done.catch(() => undefined);
    }
  };
}
