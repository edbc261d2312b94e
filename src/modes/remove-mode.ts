import type { ModeStrategy } from './types.js';
import { withRememberedSettings } from '../deploy/remembered.js';
import { releaseId } from '../deploy/paths.js';
import { backupDatabase } from '../steps/backup.js';
import { lockStep, type HeldLock } from '../steps/lock.js';
import { step, type StepOutcome } from '../steps/step.js';
import type { StepName } from '../steps/catalog.js';
import { rebuildFirewall } from '../provision/firewall.js';
import { ensureFail2ban } from '../provision/fail2ban.js';
import { appPresent, removeApp, removeFiles } from '../provision/remove.js';
import { deployContext } from '../deploy/context.js';

/**
 * Takes one app off a server and leaves the others serving: a final database backup (when the data
 * is kept), then under the app's lock its site, timers, units, config and (remove-certificate) its
 * certificate; then its entries in the server's firewall (the table rebuilt from the other apps'
 * requests, with the same no-lockout confirm); then its users, releases and venvs, and its data
 * only with remove-data. Every step does only what is still there, so a second run is a no-op.
 */
export const removeMode: ModeStrategy = {
  factKeys: ['changes'],
  okStatus: 'removed',
  async runHost(host) {
    const ctx = await withRememberedSettings(deployContext(host));
    const s = <T extends StepOutcome | void>(name: StepName, fn: () => Promise<T>): Promise<T> =>
      step(ctx.logger, ctx.records, ctx.label, name, fn);
    const changes: string[] = [];
    const track = async (name: StepName, fn: () => Promise<StepOutcome>): Promise<void> => {
      const out = await s(name, fn);
      if (out.changed !== false) changes.push(name);
    };
    try {
      const present = await appPresent(ctx);
      let lock: HeldLock | undefined;
      const dry = ctx.settings.provision.dryRun;
      if (present) {
        if (!dry) lock = await lockStep(ctx);
        try {
          if (!dry && !ctx.settings.remove.data && ctx.settings.deploy.sqliteDb)
            await track('backup', () => backupDatabase(ctx, `${releaseId(new Date(), '')}-removed`));
          await track('remove app', () => removeApp(ctx));
        } finally {
          await lock?.release();
        }
      }
      await track('firewall', () => rebuildFirewall(ctx, host.reconnect, undefined));
      await track('fail2ban', () => ensureFail2ban(ctx, { on: false }));
      // Also after an earlier remove: remove-data then deletes the data it kept.
      await track('remove files', () => removeFiles(ctx));
      if (!present) ctx.logger.info(`${ctx.label}: ${ctx.paths.app} was not set up on this server`);
    } finally {
      ctx.facts.changes = changes.length ? changes.join(' ') : 'none';
    }
  }
};
