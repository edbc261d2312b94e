import * as core from '@actions/core';

/**
 * Runs after the job, even when it was cancelled. Nothing is written to the runner's disk (the key
 * stays in memory), so the only cleanup is a deploy lock a cancelled run may have left behind.
 */
export async function post(): Promise<void> {
  const lock = core.getState('lock');
  if (!lock) return;
  const { releaseLeftLocks } = await import('./steps/lock-cleanup.js');
  await releaseLeftLocks(lock);
}
