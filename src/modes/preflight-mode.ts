import type { ModeStrategy } from './types.js';
import { formatTable } from '../report.js';
import { step } from '../steps/step.js';
import { PREFLIGHT_KEYS, preflight } from './preflight.js';

export const preflightMode: ModeStrategy = {
  factKeys: PREFLIGHT_KEYS,
  okStatus: 'ok',
  async runHost(ctx) {
    const result = await step(ctx.logger, ctx.records, ctx.label, 'preflight', async () => {
      const r = await preflight(ctx.remote, ctx.settings);
      ctx.logger.info(
        formatTable(
          ['check', 'result'],
          PREFLIGHT_KEYS.map((k) => [k, r.facts[k] ?? ''])
        )
      );
      return { ...r, changed: false };
    });
    Object.assign(ctx.facts, result.facts);
    if (result.problems.length > 0) {
      ctx.setStatus('unusable');
      throw new Error(`not usable: ${result.problems.join('; ')}`);
    }
  }
};
