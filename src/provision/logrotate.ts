import type { DeployContext } from '../deploy/context.js';
import { renderLogrotate } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { provisionVars } from './vars.js';

/**
 * /etc/logrotate.d/APP (daily, rotate 14, compress, USR1 to the Gunicorn master). Nothing to
 * reload: logrotate reads its config at each run (logrotate.timer). A config logrotate cannot read
 * is refused before it replaces a good one (templates/scripts/logrotate_check.sh).
 */
export async function ensureLogrotate(ctx: DeployContext): Promise<ProvisionResult> {
  const file = renderLogrotate(provisionVars(ctx));
  const check = serverScript('logrotate_check', { rules: file.path });
  return runProvisionScript(ctx, 'writing the logrotate rules', writeFilesScript([file]) + check, {
    hint: 'The logrotate rules did not pass logrotate -d; see the lines above.',
    stdin: filesInput([file])
  });
}
