import type { Settings } from '../settings.js';
import { shQuote } from '../ssh/quote.js';
import type { DeployContext } from './context.js';
import { withRemembered } from './remembered.js';
import { aheadAdvice } from './migration-state.js';

/**
 * The server's own settings, set by provision: the names nginx answers for and the Host health
 * requests use. A deploy that does not give them (the README's deploy.yml gives only the
 * connection and the app) keeps what provision set, instead of asking with Host: localhost; one that
 * gives other values is told that nginx still answers for the provisioned ones. TLS and the
 * firewall are only ever changed by provision, so a deploy keeps them without reading anything.
 */
const SERVER_WIDE = ['server-name', 'health-host'] as const;

export function serverSettingsPath(ctx: DeployContext): string {
  return `${ctx.paths.state}/server.json`;
}

function serverValues(s: Settings): Record<string, string> {
  return { 'server-name': s.provision.serverName, 'health-host': s.deploy.healthHost };
}

/** The shell that writes them (root-owned, 0600): provision, once nginx has them (state/ exists by then). */
export function rememberServerCommand(ctx: DeployContext): string {
  const to = serverSettingsPath(ctx);
  const q = shQuote;
  return `printf '%s\\n' ${q(JSON.stringify(serverValues(ctx.settings)))} > ${q(`${to}.tmp`)} && chmod 0600 ${q(`${to}.tmp`)} && mv -f ${q(`${to}.tmp`)} ${q(to)}`;
}

/** The shell that prints them as one `server=JSON` line (nothing before the first provision). */
export function readServerCommand(ctx: DeployContext): string {
  const from = shQuote(serverSettingsPath(ctx));
  return `[ -f ${from} ] && printf 'server=%s\\n' "$(head -c 16384 ${from} | tr -d '\\n')" || true`;
}

/**
 * Settings with the server's values for the inputs not given, checked by the inputs' rules; `notes`
 * gets one line per value kept and one per given value that differs from the server's.
 */
export function withServerSettings(
  ctx: DeployContext,
  json: string | undefined,
  notes: { info: string[]; warnings: string[] }
): Settings {
  if (!json) return ctx.settings;
  const s = ctx.settings;
  const kept = withRemembered(s, json, serverSettingsPath(ctx));
  const server = serverValues(withRemembered({ ...s, given: [] }, json, serverSettingsPath(ctx)));
  const mine = serverValues(kept);
  for (const name of SERVER_WIDE) {
    const was = server[name]!;
    if (!s.given.includes(name)) {
      if (was && was !== '_') notes.info.push(`${name}: ${was}, as provision set it on this server`);
    } else if (mine[name] !== was) {
      notes.warnings.push(
        `input \`${name}\` is '${mine[name]}' but provision set '${was || '(none)'}' on this server: this run's health checks use '${mine[name]}', and nginx keeps answering for what provision set until mode provision runs with the new value`
      );
    }
  }
  return kept;
}

/**
 * What the layout step read of the server, applied to a deploy: the server's settings (to its
 * context and its host's, for the steps after), and a database still ahead of the code serving
 * it (a rollback left a migration in it), said before pre-activate meets it.
 */
export function useServerSettings(
  host: { settings: Settings },
  ctx: DeployContext,
  laidOut: { server?: string; ahead?: string }
): void {
  const notes = { info: [] as string[], warnings: [] as string[] };
  const settings = withServerSettings(ctx, laidOut.server, notes);
  if (laidOut.ahead) {
    ctx.facts['database-ahead'] = aheadAdvice(ctx, laidOut.ahead);
    notes.warnings.push(ctx.facts['database-ahead']);
  }
  host.settings = settings;
  ctx.settings = settings;
  for (const line of notes.info) ctx.logger.info(`${ctx.label}: ${line}`);
  for (const line of notes.warnings) ctx.logger.warning(`${ctx.label}: ${line}`);
}

/** Provision: the server's settings are what nginx now answers for. */
export async function rememberServer(ctx: DeployContext): Promise<void> {
  if (ctx.settings.provision.dryRun) return;
  const res = await ctx.remote.script(rememberServerCommand(ctx), { sudo: true, timeoutMs: 30_000 });
  if (res.code !== 0)
    ctx.logger.warning(
      `${ctx.label}: the server's settings were not remembered: ${res.stderr.trim().slice(0, 300)}`
    );
}
