import type { DeployContext } from '../deploy/context.js';
import { renderLogrotate } from '../render.js';
import { shQuote } from '../ssh/quote.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { provisionVars } from './vars.js';

/**
 * /etc/logrotate.d/APP (daily, rotate 14, compress, USR1 to the Gunicorn master). Nothing to
 * reload: logrotate reads its config at each run (logrotate.timer). A config logrotate cannot read
 * is refused before it replaces a good one.
 */
export async function ensureLogrotate(ctx: DeployContext): Promise<ProvisionResult> {
  const file = renderLogrotate(provisionVars(ctx));
  const check = `
if [ "$dry" != 1 ] && was_changed ${shQuote(file.path)}; then
  if ! out=$(logrotate -d ${shQuote(file.path)} 2>&1) || echo "$out" | grep -qi '^error'; then
    echo "$out" | grep -i error | head -n 5 >&2; exit 4
  fi
fi
`;
  return runProvisionScript(ctx, 'writing the logrotate rules', writeFilesScript([file]) + check, {
    hint: 'The logrotate rules did not pass logrotate -d; see the lines above.',
    stdin: filesInput([file])
  });
}
