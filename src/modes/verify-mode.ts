import type { ModeStrategy } from './types.js';
import { parseFacts } from '../deploy/context.js';
import {
  readReleaseSettingsCommand,
  readRememberedCommand,
  settingsOfRelease
} from '../deploy/remembered.js';
import { shQuote } from '../ssh/quote.js';
import { aheadAdvice, parseMigrationState, readMigrationStateCommand } from '../deploy/migration-state.js';
import { step } from '../steps/step.js';
import { deployContext } from '../deploy/context.js';
import { VERIFY_KEYS, verifyChecklist } from '../provision/verify.js';
import { runLoadCheck } from '../loadtest/run.js';

/**
 * The production checklist on demand: reads only, and fails naming every red check. It checks the
 * app the way its last deploy did (health-path, sqlite-db... remembered on the server) unless the
 * inputs say otherwise, and reports the release serving.
 */
export const verifyMode: ModeStrategy = {
  factKeys: ['release', ...VERIFY_KEYS],
  okStatus: 'ok',
  async runHost(host) {
    const base = deployContext(host);
    const res = await base.remote.script(
      `echo "current=$(basename "$(readlink ${shQuote(base.paths.current)})")"\n${readRememberedCommand(base)}\n${readReleaseSettingsCommand(base)}\n${readMigrationStateCommand(base)}`,
      { sudo: true, timeoutMs: 30_000 }
    );
    const f = parseFacts(res.stdout);
    // The release serving is checked with its own settings (the ones it was proven with).
    const ctx = { ...base, settings: settingsOfRelease(base, res.stdout, f.current ?? '') };
    if (f.current) ctx.facts.release = f.current;
    // A rollback left a migration in the database that the serving code does not have.
    const ahead = parseMigrationState(res.stdout).ahead;
    if (ahead) {
      ctx.facts['database-warning'] = aheadAdvice(ctx, ahead);
      ctx.logger.warning(`${ctx.label}: ${ctx.facts['database-warning']}`);
    }
    await step(ctx.logger, ctx.records, ctx.label, 'verify', () => verifyChecklist(ctx)).catch(
      (err: unknown) => {
        host.setStatus('unhealthy');
        throw err;
      }
    );
    // load: true puts load on a server only once its checklist is green.
    if (ctx.settings.load.enabled)
      await runLoadCheck(ctx).catch((err: unknown) => {
        host.setStatus('too slow');
        throw err;
      });
  }
};
