import type { Logger } from '../log.js';
import type { Settings } from '../settings.js';
import type { Connector } from '../engine.js';
import { hostLabel, targetFor } from '../engine.js';
import { appLayout } from '../deploy/paths.js';
import { serverScript } from '../render/scripts.js';
import { connect as sshConnect } from '../ssh/connection.js';
import { errorMessage } from './step.js';

/**
 * Ends a lock holder that this run left behind. A dropped connection ends the holder by itself,
 * but a runner that was cancelled while its connection stayed up (or a half-open TCP link that the
 * server will not notice for hours) leaves it holding the lock, so the post step ends it, and only
 * when the owner file names this very run.
 */
export function releaseScript(settings: Settings, run: string): string {
  return serverScript('lock_release', { owner: appLayout(settings).lockOwner, owner_line: `run=${run}` });
}

export async function releaseLeftLocks(
  settings: Settings,
  run: string,
  logger: Logger,
  connect: Connector = sshConnect
): Promise<void> {
  for (const spec of settings.hosts) {
    const label = hostLabel(spec);
    try {
      const remote = await connect({ ...targetFor(settings, spec), retries: 1 }, logger);
      try {
        const res = await remote.script(releaseScript(settings, run), { sudo: true, timeoutMs: 30_000 });
        const what = /released=(\S+)/.exec(res.stdout)?.[1];
        if (what === 'yes')
          logger.warning(
            `${label}: released the deploy lock this run left behind (the run was cancelled or lost its connection)`
          );
        else logger.info(`${label}: no deploy lock of this run left (${what ?? res.stderr.trim()})`);
      } finally {
        await remote.close();
      }
    } catch (err) {
      logger.warning(`${label}: could not check for a left deploy lock: ${errorMessage(err)}`);
    }
  }
}
