import type { ModeStrategy } from './types.js';
import { deployContext } from '../deploy/context.js';
import { runScript } from '../deploy/context.js';
import { ALERT_SCRIPT } from '../provision/alerts.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, step } from '../steps/step.js';

/** The event a test alert carries. */
export const TEST_EVENT = 'test';

/**
 * Sends one alert (event `test`) through the server's own alert script and webhook, and waits for
 * the POST: so a new webhook is proven before the night it is needed. Changes nothing.
 */
export const alertTestMode: ModeStrategy = {
  factKeys: [],
  okStatus: 'alert sent',
  async runHost(host) {
    const ctx = deployContext(host);
    const q = shQuote;
    const hook = `${ctx.paths.etc}/alert-webhook`;
    await step(ctx.logger, ctx.records, ctx.label, 'alert test', async () => {
      const res = await runScript(
        ctx,
        'sending the test alert',
        `[ -x ${q(ALERT_SCRIPT)} ] || { echo "missing=script"; exit 0; }
[ -s ${q(hook)} ] || { echo "missing=webhook"; exit 0; }
${q(ALERT_SCRIPT)} --send ${q(ctx.paths.app)} ${TEST_EVENT} ${q(`a test alert, sent by gunicorn-deploy (mode alert-test) from ${ctx.label}`)}`,
        { timeoutMs: 90_000 }
      );
      if (/^missing=/m.test(res.stdout))
        throw new DeployError(
          `no alert-webhook is set up for ${ctx.paths.app} on ${ctx.label} (${/^missing=script$/m.test(res.stdout) ? 'no alert script' : `no ${hook}`}); nothing was sent`,
          'Run mode provision with alert-webhook first.'
        );
      const failed = /could not be sent \(curl exit (\d+)/.exec(res.stdout);
      if (failed || !/ sent$/m.test(res.stdout))
        throw new DeployError(
          `the test alert could not be sent to the webhook${failed ? ` (curl exit ${failed[1]}, after 4 tries)` : ''}`,
          'Check that the server reaches the webhook URL (DNS, outbound HTTPS, the firewall of the receiver) and that the URL is current; then run mode alert-test again.'
        );
      return { changed: false, detail: 'sent to the webhook (event test)' };
    });
  }
};
