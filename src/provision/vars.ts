import { appEnv } from '../settings.js';
import type { DeployContext } from '../deploy/context.js';
import { templateVars, type TemplateVars } from '../render.js';
import { gunicornInput } from '../render/gunicorn-vars.js';
import { siteEdgeVars, type SiteEdgeVars } from './site-edge.js';

/**
 * The template variables of the server-wide files (nginx, logrotate, timers). The app's own units
 * come from the deploy's config step, which fills the same templates with the same app settings.
 */
export function provisionVars(ctx: DeployContext): TemplateVars & SiteEdgeVars {
  const d = ctx.settings.deploy;
  const pr = ctx.settings.provision;
  const vars = templateVars({
    layout: ctx.paths,
    wsgiApp: d.wsgiApp,
    ...gunicornInput(d.gunicorn),
    env: appEnv(d.env, ctx.settings.database),
    healthPath: d.healthPath,
    serverName: pr.serverName,
    healthHost: d.healthHost || undefined,
    clientMaxBodySize: pr.clientMaxBodySize,
    staticPath: pr.staticPath,
    staticMaps: pr.staticMaps.map((m) => ({
      url: m.url,
      root: `${m.shared ? ctx.paths.shared : ctx.paths.current}/${m.folder}`,
      uploads: m.shared
    })),
    healthInterval: `${pr.healthIntervalS}s`,
    backupKeepDays: pr.backupsDays,
    ...(d.sqliteDb ? { dbPath: `${ctx.paths.shared}/${d.sqliteDb}` } : {})
  });
  return { ...vars, ...siteEdgeVars(ctx) };
}
