import type { DeployContext } from '../deploy/context.js';
import { ensureLayout } from '../steps/layout.js';
import { shQuote } from '../ssh/quote.js';
import { ownershipScript } from '../steps/ownership.js';
import { runProvisionScript, type ProvisionResult } from './run.js';

/**
 * What the deploy's layout step does not enforce on a server that already has it: the app's user
 * has no login shell and no sudo, and its log and config folders have the right owner and mode
 * even if someone changed them. In a dry run the same checks only report.
 */
export function userScript(ctx: DeployContext): string {
  const p = ctx.paths;
  const q = shQuote;
  const u = q(p.user);
  // A name someone else holds is refused before the shell, groups or folders below are touched
  // (a dry run says so too; the real run's layout step has refused already).
  return `${ownershipScript(ctx.settings)}
if ! id -u ${u} >/dev/null 2>&1; then
  mark user
  echo "would=create the system user ${p.user} and the folders under ${p.dir}"
else
  shell=$(getent passwd ${u} | cut -d: -f7)
  if [ "$shell" != /usr/sbin/nologin ]; then mark shell; act usermod -s /usr/sbin/nologin ${u}; fi
  for g in sudo admin wheel; do
    if id -nG ${u} | tr ' ' '\\n' | grep -qx "$g"; then mark "group-$g"; act gpasswd -d ${u} "$g" >/dev/null; fi
  done
  fix() { # path owner:group mode
    if [ ! -d "$1" ]; then mark "$1"; act install -d -m "$3" -o "\${2%%:*}" -g "\${2##*:}" "$1"; return; fi
    if [ "$(stat -c '%U:%G %a' "$1")" != "$2 \${3#0}" ]; then mark "$1"; act chown "$2" "$1"; act chmod "$3" "$1"; fi
  }
  fix ${q(p.logDir)} ${q(`${p.user}:adm`)} 0750
  fix ${q(p.etc)} ${q(`root:${p.user}`)} 0750
  # shared/ is left to the deploy (it owns the shared paths inside and sets the folder's mode).
fi
id -u ${q(p.buildUser)} >/dev/null 2>&1 || { mark build-user; echo "would=create the build user ${p.buildUser}"; }
`;
}

export async function ensureUser(ctx: DeployContext): Promise<ProvisionResult> {
  // The deploy's own layout step creates the user and folders; a dry run must not, so it only
  // checks (and says the user is missing).
  const created = ctx.settings.provision.dryRun ? { changed: false } : await ensureLayout(ctx);
  const res = await runProvisionScript(ctx, 'checking the app user and folders', userScript(ctx));
  if (created.changed) {
    res.changes.unshift('user/layout');
    res.changed = true;
    res.detail = `changed: ${res.changes.join(', ')}`;
  }
  return res;
}
