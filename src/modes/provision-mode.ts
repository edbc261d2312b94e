import type { ModeStrategy } from './types.js';
import { step, DeployError, type StepOutcome } from '../steps/step.js';
import type { StepName } from '../steps/catalog.js';
import { preflight } from './preflight.js';
import { deployContext } from '../deploy/context.js';
import { ensurePackages } from '../provision/packages.js';
import { ensureUser } from '../provision/user.js';
import { importDatabase } from '../provision/import-database.js';
import { ensurePostgres } from '../provision/postgres.js';
import { ensureNginx } from '../provision/nginx.js';
import { ensureTls } from '../provision/tls.js';
import { ensureLogrotate } from '../provision/logrotate.js';
import { ensureTimers } from '../provision/timers.js';
import { ensureAlerts } from '../provision/alerts.js';
import { ensureMetrics } from '../metrics/provision.js';
import { ensureFirewall } from '../provision/firewall.js';
import { ensureFail2ban } from '../provision/fail2ban.js';
import { checkServerNames } from '../provision/claims.js';
import { ensureServices } from '../provision/services.js';
import { decideDeploy, runFirstDeploy } from '../provision/first-deploy.js';
import { lockStep, type HeldLock } from '../steps/lock.js';
import { rememberServer } from '../deploy/server-settings.js';
import { VERIFY_KEYS, verifyChecklist } from '../provision/verify.js';

/**
 * A bare Debian/Ubuntu host to a production service, in an order where each step needs only
 * what the steps before it made: packages, the app's user and folders, an imported database (before
 * the app first opens one), nginx (plain HTTP), logrotate, timers, the firewall, fail2ban, then the deploy
 * mode's own engine for the release and its units, HTTPS last, and the verify checklist. Every
 * step changes only what differs, so a second run is a no-op; a dry run runs the same checks and
 * changes nothing.
 */
export const provisionMode: ModeStrategy = {
  factKeys: ['release', 'changes', ...VERIFY_KEYS],
  okStatus: 'provisioned',
  async runHost(host) {
    const ctx = deployContext(host);
    const dry = ctx.settings.provision.dryRun;
    const s = <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> =>
      step(ctx.logger, ctx.records, ctx.label, name, fn);
    await s('preflight', async () => {
      const r = await preflight(ctx.remote, ctx.settings);
      // python3-venv and the rest are what provision installs; the host itself must be usable.
      const problems = r.hostProblems;
      if (problems.length > 0)
        throw new DeployError(`this server cannot be provisioned: ${problems.join('; ')}`);
      await checkServerNames(ctx);
      return { changed: false, detail: `${r.facts.os}, sudo ${r.facts.sudo}, ${r.facts['disk-free']} free` };
    });
    const changes: string[] = [];
    const track = async <T extends StepOutcome>(name: StepName, fn: () => Promise<T>): Promise<T> => {
      const out = await s(name, fn);
      if (out.changed) changes.push(name);
      return out;
    };
    let lock: HeldLock | undefined;
    try {
      const installed = await track('packages', () => ensurePackages(ctx));
      // Held from here on (a deploy running at the same time would see units and files change
      // under it); apt above touches nothing of the app's and may take minutes.
      if (!dry) lock = await lockStep(ctx);
      await track('user', () => ensureUser(ctx));
      await track('services', () => ensureServices(ctx));
      await track('postgresql', () => ensurePostgres(ctx));
      await track('import-database', () => importDatabase(ctx));
      await track('nginx', () => ensureNginx(ctx));
      await rememberServer(ctx);
      await track('logrotate', () => ensureLogrotate(ctx));
      await track('alerts', () => ensureAlerts(ctx));
      await track('timers', () => ensureTimers(ctx));
      await track('metrics', () => ensureMetrics(ctx));
      await track('firewall', () => ensureFirewall(ctx, host.reconnect));
      const installedNow = installed.changes.includes('fail2ban');
      await track('fail2ban', () => ensureFail2ban(ctx, { installedNow }));
      const decision = await s('release', async () => {
        const d = await decideDeploy(ctx);
        ctx.logger.info(d.deploy ? `${dry ? 'would deploy' : 'deploying'}: ${d.why}` : `no deploy: ${d.why}`);
        return {
          ...d,
          changed: d.deploy,
          detail: d.deploy ? `${dry ? 'would deploy' : 'deploying'}: ${d.why}` : `no deploy: ${d.why}`
        };
      });
      if (decision.deploy) changes.push('release');
      if (decision.deploy && !dry) {
        await runFirstDeploy(host, lock!);
      } else if (decision.current) {
        ctx.facts.release = decision.current;
      }
      // After the release: a certificate that cannot be issued yet (DNS not pointing here) leaves
      // the app serving over plain HTTP, never nginx proxying to an app that was never started.
      await track('tls', () => ensureTls(ctx));
    } finally {
      ctx.facts.changes = changes.length ? changes.join(' ') : 'none';
      await lock?.release();
    }
    if (dry) {
      host.setStatus('dry-run');
      ctx.logger.info(
        changes.length
          ? `dry run: would change ${changes.join(', ')}; nothing was changed`
          : 'dry run: nothing would change'
      );
      return;
    }
    await s('checklist', () => verifyChecklist(ctx)).catch((err: unknown) => {
      host.setStatus('unhealthy');
      throw err;
    });
  }
};
