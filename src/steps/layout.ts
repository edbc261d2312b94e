import type { DeployContext } from '../deploy/context.js';
import { migrateBackupsCommand } from './restore.js';
import { parseFacts, runScript } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';
import { markOwnedScript, ownershipScript } from './ownership.js';
import { awaitLockScript } from './lock.js';
import { readServerCommand } from '../deploy/server-settings.js';
import { aheadPath } from '../deploy/migration-state.js';

/**
 * What the app itself needs on a server that has the system packages but was never provisioned:
 * its system user, its build user, its folders, /etc/APP and its log folder. Server-wide setup (apt, nginx,
 * logrotate, timers) is provision's; missing packages are named here, not installed.
 */
export function layoutScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  const b = p.buildUser;
  const py = q(ctx.settings.deploy.python);
  const needSqlite = ctx.settings.deploy.sqliteDb !== '';
  return `${ownershipScript(ctx.settings)}
missing=""
command -v ${py} >/dev/null || missing="$missing python3"
# Found, not imported: importing ensurepip costs ~4x the look-up, on every deploy.
${py} -c 'import importlib.util as u, sys; sys.exit(not (u.find_spec("venv") and u.find_spec("ensurepip")))' >/dev/null 2>&1 || missing="$missing python3-venv"
command -v flock >/dev/null || missing="$missing util-linux"
command -v curl >/dev/null || missing="$missing curl"
${needSqlite ? 'command -v sqlite3 >/dev/null || missing="$missing sqlite3"' : ''}
if [ -n "$missing" ]; then
  echo "missing packages:$missing" >&2
  exit 3
fi
changed=no
if ! getent group ${q(p.user)} >/dev/null; then groupadd --system ${q(p.user)}; changed=yes; fi
if ! id -u ${q(p.user)} >/dev/null 2>&1; then
  useradd --system --gid ${q(p.user)} --home-dir ${q(p.dir)} --no-create-home --shell /usr/sbin/nologin ${q(p.user)}
  changed=yes
fi
# The build user: everything made from the repository is its, never root's nor the app's.
if ! getent group ${q(b)} >/dev/null; then groupadd --system ${q(b)}; changed=yes; fi
if ! id -u ${q(b)} >/dev/null 2>&1; then
  useradd --system --gid ${q(b)} --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin ${q(b)}
  changed=yes
fi
[ -d ${q(p.dir)} ] || { install -d -m 0755 -o root -g root ${q(p.dir)}; changed=yes; }
# Traversable by the build user (for incoming/), readable by nobody else.
[ -d ${q(p.state)} ] || { install -d -m 0750 -o root -g ${q(b)} ${q(p.state)}; changed=yes; }
for d in ${[p.releases, p.venvs, p.incoming].map(q).join(' ')}; do
  [ -d "$d" ] || { install -d -m 0755 -o ${q(b)} -g ${q(b)} "$d"; changed=yes; }
  # A server deployed by an older version has them root's: handed over once. Releases and venvs
  # already inside stay root's (read-only to the build user); new ones are the build user's.
  if [ "$(stat -c %U:%G "$d")" != ${q(`${b}:${b}`)} ]; then chown ${q(`${b}:${b}`)} "$d"; changed=yes; fi
done
if [ "$(stat -c %G ${q(p.state)})" != ${q(b)} ]; then chgrp ${q(b)} ${q(p.state)}; changed=yes; fi
chmod 0750 ${q(p.state)}
# root's pip cache of an older version (what it holds came from pip, not from the repository;
# chown -R changes links themselves, never what they point at).
if [ -d ${q(p.pipCache)} ] && [ "$(stat -c %U ${q(p.pipCache)})" != ${q(b)} ]; then chown -R ${q(`${b}:${b}`)} ${q(p.pipCache)}; changed=yes; fi
[ -d ${q(p.backups)} ] || { install -d -m 0750 -o root -g ${q(p.user)} ${q(p.backups)}; changed=yes; }
# The daily backups an older version kept in shared/ (which the app can write) move into backups/.
if [ -e ${q(p.legacyBackups)} ]; then ${migrateBackupsCommand(ctx)}; fi
[ -d ${q(p.shared)} ] || { install -d -m 0750 -o ${q(p.user)} -g ${q(p.user)} ${q(p.shared)}; changed=yes; }
[ -d ${q(p.etc)} ] || { install -d -m 0750 -o root -g ${q(p.user)} ${q(p.etc)}; changed=yes; }
[ -d ${q(p.logDir)} ] || { install -d -m 0750 -o ${q(p.user)} -g adm ${q(p.logDir)}; changed=yes; }
${markOwnedScript(ctx.settings)}
echo "changed=$changed"
${readServerCommand(ctx)}
[ -f ${q(aheadPath(ctx))} ] && echo "database_ahead=$(head -c 200 ${q(aheadPath(ctx))} | tr -d '\\n')" || true
`;
}

/** lockedBy: sent together with this run's lock, the script first waits for it (awaitLockScript). */
export async function ensureLayout(
  ctx: DeployContext,
  lockedBy?: string
): Promise<StepOutcome & { server?: string; ahead?: string }> {
  const script = lockedBy ? `${awaitLockScript(ctx, lockedBy)}\n${layoutScript(ctx)}` : layoutScript(ctx);
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
