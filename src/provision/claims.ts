import type { DeployContext } from '../deploy/context.js';
import { serverScript } from '../render/scripts.js';
import { DeployError } from '../steps/step.js';

/** First bytes of every site the tool writes (templates/nginx/site.conf.hbs). */
const SITE_HEADER = '# Written by gunicorn-deploy';

/**
 * The names every other app's enabled site serves on this server, one `claim APP NAME` line each
 * (`_`, "any name", is a claim too: two such sites would answer each other's requests).
 */
export function claimsScript(ctx: DeployContext): string {
  // templates/scripts/site_claims.sh: only sites the tool wrote (SITE_HEADER) count.
  return serverScript('site_claims', { enabled: ctx.paths.nginxEnabled, site_header: SITE_HEADER });
}

/** The first clash of this app's server-name with another app's, or undefined. */
export function findClash(stdout: string, names: string[]): { app: string; name: string } | undefined {
  const mine = new Set(names.map((n) => n.toLowerCase()));
  for (const line of stdout.split('\n')) {
    const m = /^claim (\S+) (\S+)$/.exec(line.trim());
    if (m && mine.has(m[2]!.toLowerCase())) return { app: m[1]!, name: m[2]! };
  }
  return undefined;
}

/**
 * Before provision changes anything: a server-name another app on this server already serves is
 * refused, naming that app (nginx would pick one of the two sites for it, silently).
 */
export async function checkServerNames(ctx: DeployContext): Promise<void> {
  const res = await ctx.remote.script(claimsScript(ctx), { sudo: true, timeoutMs: 30_000 });
  const clash = findClash(res.stdout, ctx.settings.provision.serverName.split(' '));
  if (!clash) return;
  const what = clash.name === '_' ? 'any name (server-name _)' : clash.name;
  throw new DeployError(
    `input \`server-name\`: ${what} is already served by the app ${clash.app} on this server (/etc/nginx/sites-enabled/${clash.app}.conf); nothing was changed`,
    clash.name === '_'
      ? `Give each app on a server its own server-name (the default _ answers any name), or remove ${clash.app} first (mode: remove).`
      : `Choose another server-name, or remove the app ${clash.app} from this server first (mode: remove, remove-confirm: ${clash.app}).`
  );
}
