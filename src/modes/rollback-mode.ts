import type { ModeStrategy } from '../engine.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { acquireLock } from '../steps/lock.js';
import { switchRelease } from '../steps/switch.js';
import { verifyRelease } from '../steps/verify.js';
import { errorLogTail } from '../steps/rollback.js';
import { recordHistory } from '../steps/history.js';
import { DeployError, errorMessage, step, type StepOutcome } from '../steps/step.js';
import { DEPLOY_KEYS, deployContext } from './deploy-mode.js';

/**
 * Switches to the release before the current one (or rollback-to), with the same proof as a
 * deploy. If that release does not come up healthy, the one that was serving is put back.
 */
export const rollbackMode: ModeStrategy = {
  factKeys: DEPLOY_KEYS,
  okStatus: 'rolled-back',
  async runHost(host) {
    const ctx = deployContext(host);
    const s = <T extends StepOutcome | void>(name: string, fn: () => Promise<T>): Promise<T> =>
      step(ctx.logger, ctx.records, ctx.label, name, fn);
    const q = shQuote;
    const p = ctx.paths;
    const wanted = ctx.settings.deploy.rollbackTo;
    const lock = await s('lock', async () => ({ lock: await acquireLock(ctx), detail: 'held' }));
    try {
      const found = await s('find release', async () => {
        const res = await runScript(
          ctx,
          'reading the releases',
          `
cd ${q(p.releases)} 2>/dev/null || { echo "no releases in ${p.releases}" >&2; exit 3; }
cur=$(basename "$(readlink ${q(p.current)})")
echo "current=$cur"
echo "current_venv=$(basename "$(readlink -f "$cur/.venv")")"
want=${q(wanted)}
if [ -z "$want" ]; then want=$(ls -1 | sort | awk -v c="$cur" '$0 < c' | tail -n 1); fi
if [ -n "$want" ] && [ -d "$want" ] && [ -e "$want/.venv/bin/python" ]; then
  echo "target=$want"; echo "target_venv=$(basename "$(readlink -f "$want/.venv")")"
fi
echo "releases=$(ls -1 | sort | tr '\\n' ' ')"
`,
          { timeoutMs: 30_000 }
        );
        const f = parseFacts(res.stdout);
        if (!f.target) {
          throw new DeployError(
            wanted
              ? `release ${wanted} is not on ${ctx.label} (or its venv is gone)`
              : `there is no release before ${f.current} on ${ctx.label}`,
            `Releases there: ${f.releases?.trim() || 'none'}.`
          );
        }
        return { facts: f, detail: `${f.current} -> ${f.target}` };
      });
      const { current, target } = found.facts;
      const restart = found.facts.current_venv !== found.facts.target_venv;
      ctx.facts['previous-release'] = current!;
      try {
        const sw = await s('switch', () => switchRelease(ctx, target!, restart));
        ctx.facts.reload = sw.reload;
        await s('verify', () => verifyRelease(ctx, target!, sw.oldWorkers));
        ctx.facts.release = target!;
        await recordHistory(ctx, {
          event: 'rollback',
          release: target!,
          previous: current!,
          status: 'rolled-back'
        });
      } catch (err) {
        const logs = await errorLogTail(ctx);
        const sw = await s('restore', () => switchRelease(ctx, current!, restart));
        await s('verify restored', () => verifyRelease(ctx, current!, sw.oldWorkers));
        ctx.facts.release = current!;
        host.setStatus('failed');
        throw new DeployError(
          `release ${target} did not come up healthy (${errorMessage(err)}); ${current} was put back and is serving${logs ? `\nGunicorn's last lines:\n${logs}` : ''}`
        );
      }
    } finally {
      await lock.lock.release();
    }
  }
};
