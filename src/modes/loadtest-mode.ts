import type { ModeStrategy } from './types.js';
import { withRememberedSettings } from '../deploy/remembered.js';
import { LOAD_KEYS, runLoadCheck } from '../loadtest/run.js';
import { deployContext } from '../deploy/context.js';

/**
 * The performance check on its own: each level of concurrent clients against nginx, from the
 * server itself, judged by the load-* thresholds. Health path and Host are the ones the last deploy
 * remembered, unless the inputs say otherwise. Changes nothing on the server.
 */
export const loadtestMode: ModeStrategy = {
  factKeys: LOAD_KEYS,
  okStatus: 'passed',
  async runHost(host) {
    const ctx = await withRememberedSettings(deployContext(host));
    await runLoadCheck(ctx).catch((err: unknown) => {
      host.setStatus('failed');
      throw err;
    });
  }
};
