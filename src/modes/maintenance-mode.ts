import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ModeStrategy } from './types.js';
import { parseFacts } from '../deploy/context.js';
import { withRememberedSettings } from '../deploy/remembered.js';
import { healthPathProblem } from '../rules.js';
import { maintenanceScript, NGINX_REFUSED, NO_INCLUDE } from '../maintenance/script.js';
import { plainPage } from '../maintenance/nginx.js';
import { DeployError, step } from '../steps/step.js';
import { deployContext } from '../deploy/context.js';

/** A page larger than this is not a maintenance page (and would travel in every 503). */
const MAX_PAGE_BYTES = 512 * 1024;

/** The repository's maintenance.html (at the top of `source`), else a plain page. */
async function pageText(source: string): Promise<{ text: string; from: string }> {
  const file = path.join(source, 'maintenance.html');
  const st = await stat(file).catch(() => undefined);
  if (!st) return { text: plainPage(), from: 'a plain page' };
  if (!st.isFile() || st.size > MAX_PAGE_BYTES)
    throw new DeployError(
      `${file} is not a file of at most ${MAX_PAGE_BYTES / 1024} KiB; nothing was changed`,
      'Make maintenance.html a small, self-contained HTML file (inline CSS, no other files).'
    );
  return { text: await readFile(file, 'utf8'), from: 'maintenance.html' };
}

/**
 * Maintenance on or off: nginx answers 503 with Retry-After and the page on every path but the
 * health path (so checks, deploys and the health timer go on) and ACME's challenges; the
 * maintenance-allow addresses still reach the app. A drop-in of the site, so no deploy or
 * provision undoes it; idempotent; no deploy lock (deploys keep working behind it).
 */
export const maintenanceMode: ModeStrategy = {
  factKeys: ['maintenance', 'changed'],
  okStatus: 'ok',
  async runHost(host) {
    const ctx = await withRememberedSettings(deployContext(host));
    const { on, allow } = ctx.settings.operate.maintenance;
    const healthPath = ctx.settings.deploy.healthPath;
    const bad = healthPathProblem(healthPath);
    if (bad) throw new DeployError(`health-path ${bad}; nothing was changed`);
    await step(ctx.logger, ctx.records, ctx.label, 'maintenance', async () => {
      const page = on ? await pageText(ctx.settings.app.source) : { text: '', from: '' };
      const res = await ctx.remote.script(maintenanceScript(ctx, on, healthPath, allow), {
        sudo: true,
        stdin: page.text,
        timeoutMs: 60_000
      });
      if (res.code === NGINX_REFUSED)
        throw new DeployError(
          `nginx -t refused the configuration with maintenance ${on ? 'on' : 'off'}; everything was put back and nginx was not reloaded:\n${res.stderr.trim()}`,
          'Fix the nginx configuration named above, then run it again.'
        );
      if (res.code === NO_INCLUDE)
        throw new DeployError(
          `the nginx site of ${ctx.paths.app} on ${ctx.label} (${ctx.paths.nginxSite}) does not include its drop-in folder; nothing was changed`,
          'Run mode provision once (it writes the site with the include, and nginx at all), then maintenance again.'
        );
      if (res.code !== 0)
        throw new DeployError(
          `maintenance ${on ? 'on' : 'off'} failed (exit ${res.code}): ${res.stderr.trim()}`
        );
      const changed = parseFacts(res.stdout).changed === 'yes';
      ctx.facts.maintenance = on ? 'on' : 'off';
      ctx.facts.changed = String(changed);
      return {
        changed,
        detail: `${on ? 'on' : 'off'}${changed ? '' : ' already'}${on ? `, ${page.from}${allow.length ? `, ${allow.length} allowed` : ''}` : ''}`
      };
    });
  }
};
