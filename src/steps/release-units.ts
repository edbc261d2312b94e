import type { DeployContext } from '../deploy/context.js';
import { runScript } from '../deploy/context.js';
import { keptFiles, keptPath, type KeptFile } from '../deploy/release-config.js';
import { shQuote } from '../ssh/quote.js';
import type { StepOutcome } from './step.js';

/**
 * A rollback puts the target release's own service unit and Gunicorn config in place (those that
 * differ from the live ones), keeping what they replace in config-previous so a failed proof can
 * put the serving release's files back. The switch after it restarts Gunicorn: a new wsgi-app,
 * worker class or preload needs a new master, which a HUP would not give.
 */
export function installKeptScript(ctx: DeployContext, release: string, keys: KeptFile['key'][]): string {
  const q = shQuote;
  const prev = ctx.paths.configPrevious;
  const lines = keptFiles(ctx)
    .filter((f) => keys.includes(f.key))
    .map(
      (f) => `cp -a -- ${q(f.live)} ${q(`${prev}/${f.name}`)}
install -m 0644 -o root -g root -- ${q(keptPath(ctx, release, f))} ${q(f.live)}`
    );
  return `rm -rf -- ${q(prev)}; install -d -m 0700 ${q(prev)}
${lines.join('\n')}
${keys.includes('service') ? 'systemctl daemon-reload' : ''}
`;
}

/** Puts back the files installKeptScript replaced. */
export function putBackScript(ctx: DeployContext, keys: KeptFile['key'][]): string {
  const q = shQuote;
  const prev = ctx.paths.configPrevious;
  const lines = keptFiles(ctx)
    .filter((f) => keys.includes(f.key))
    .map(
      (f) => `if [ -f ${q(`${prev}/${f.name}`)} ]; then cp -a -- ${q(`${prev}/${f.name}`)} ${q(f.live)}; fi`
    );
  return `${lines.join('\n')}\n${keys.includes('service') ? 'systemctl daemon-reload' : ''}\n`;
}

const names = (ctx: DeployContext, keys: KeptFile['key'][]): string =>
  keptFiles(ctx)
    .filter((f) => keys.includes(f.key))
    .map((f) => f.name)
    .join(', ');

export async function installKept(
  ctx: DeployContext,
  release: string,
  keys: KeptFile['key'][]
): Promise<StepOutcome> {
  await runScript(ctx, `installing ${release}'s own configuration`, installKeptScript(ctx, release, keys), {
    timeoutMs: 60_000
  });
  return { detail: `${release}'s own ${names(ctx, keys)}` };
}

export async function putBackConfig(ctx: DeployContext, keys: KeptFile['key'][]): Promise<StepOutcome> {
  await runScript(ctx, 'putting the configuration back', putBackScript(ctx, keys), { timeoutMs: 60_000 });
  return { detail: names(ctx, keys) };
}
