import type { DeployContext } from '../deploy/context.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import { serverScript } from '../render/scripts.js';
import { rootReadProgram } from '../deploy/root-read.js';
import type { StepOutcome } from './step.js';
import { markOwnedScript, ownershipScript } from './ownership.js';
import { awaitLockScript } from './lock.js';
import { readServerCommand } from '../deploy/server-settings.js';
import { aheadPath } from '../deploy/migration-state.js';

/**
 * What the app itself needs on a server that has the system packages but was never provisioned:
 * its system user, its build user, its folders, /etc/APP and its log folder. Server-wide setup (apt, nginx,
 * logrotate, timers) is provision's; missing packages are named here, not installed.
 * The script is templates/scripts/layout.sh, after the ownership refusals.
 */
export function layoutScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  const layout = serverScript('layout', {
    python: ctx.settings.deploy.python,
    need_sqlite: ctx.settings.deploy.sqliteDb !== '' ? 1 : 0,
    user: p.user,
    build_user: p.buildUser,
    dir: p.dir,
    state: p.state,
    releases: p.releases,
    venvs: p.venvs,
    incoming: p.incoming,
    pip_cache: p.pipCache,
    backups: p.backups,
    legacy_backups: p.legacyBackups,
    daily_pattern: `${p.app}-*.db.gz`,
    root_read: rootReadProgram(),
    shared: p.shared,
    etc: p.etc,
    log_dir: p.logDir
  });
  return `${ownershipScript(ctx.settings)}${layout}${markOwnedScript(ctx.settings)}${readServerCommand(ctx)}
[ -f ${q(aheadPath(ctx))} ] && echo "database_ahead=$(head -c 200 ${q(aheadPath(ctx))} | tr -d '\\n')" || true
`;
}

/**
 * lockedBy: sent together with this run's lock, the script first waits for it (awaitLockScript).
 * then: what starts once the layout is there, under the lock (a deploy's warm candidate).
 * aheadOfApp: from the lock on, the root shell's commands go ahead of the app's for the CPU
 * (templates/scripts/deploy_ahead.sh says when and why): a deploy's.
 */
export async function ensureLayout(
  ctx: DeployContext,
  lockedBy?: string,
  then = '',
  aheadOfApp = false
): Promise<StepOutcome & { server?: string; ahead?: string }> {
  const script = [
    lockedBy ? `${awaitLockScript(ctx, lockedBy)}\n` : '',
    aheadOfApp ? serverScript('deploy_ahead', {}) : '',
    layoutScript(ctx),
    then
  ].join('');
  const res = await runScript(ctx, 'preparing the app layout', script, {
    // Waiting for the lock is part of it: as long as the lock may take, and the layout's own minute.
    timeoutMs: 60_000 + (lockedBy ? ctx.settings.deploy.lockTimeoutMs + 15_000 : 0),
    carry: true,
    hint: 'Install the missing packages (apt-get install -y python3-venv sqlite3 curl), or run mode provision once.'
  });
  // The server's own settings (provision's server-name), for the deploy to keep.
  const server = /^server=(.*)$/m.exec(res.stdout)?.[1];
  const f = parseFacts(res.stdout);
  return { changed: f.changed === 'yes', server, ahead: f.database_ahead };
}
