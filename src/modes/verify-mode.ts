import type { ModeStrategy } from '../engine.js';
import { step } from '../steps/step.js';
import { deployContext } from './deploy-mode.js';
import { VERIFY_KEYS, verifyChecklist } from '../provision/verify.js';

/** The production checklist on demand: reads only, and fails naming every red check. */
export const verifyMode: ModeStrategy = {
  factKeys: VERIFY_KEYS,
  okStatus: 'ok',
  async runHost(host) {
    const ctx = deployContext(host);
    await step(ctx.logger, ctx.records, ctx.label, 'verify', () => verifyChecklist(ctx)).catch(
      (err: unknown) => {
        host.setStatus('unhealthy');
        throw err;
      }
    );
  }
};
