import * as core from '@actions/core';
import { actionLogger } from './log.js';
import { parseSettings } from './settings.js';
import { registerSecrets } from './engine.js';
import { readInput } from './main.js';
import { releaseLeftLocks } from './steps/lock-cleanup.js';

/**
 * Runs after the job, even when it was cancelled. Nothing is written to the runner's disk (the key
 * stays in memory), so the only cleanup is a deploy lock a cancelled run may have left behind.
 */
export async function post(): Promise<void> {
  const run = core.getState('run');
  if (!run || core.getState('finished') === 'true') return;
  let settings;
  try {
    settings = parseSettings(readInput);
  } catch {
    return;
  }
  registerSecrets(settings, actionLogger);
  await releaseLeftLocks(settings, run, actionLogger);
}
