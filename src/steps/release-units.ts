import type { DeployContext } from '../deploy/context.js';
import { runScript } from '../deploy/context.js';
import { keptFiles, keptPath, type KeptFile } from '../deploy/release-config.js';
import { serverScript, type ScriptValues } from '../render/scripts.js';
import type { StepOutcome } from './step.js';

/**
 * A rollback puts the target release's own service unit and Gunicorn config in place (those that
 * differ from the live ones), keeping what they replace in config-previous so a failed proof can
 * put the serving release's files back. The switch after it restarts Gunicorn: a new wsgi-app,
 * worker class or preload needs a new master, which a HUP would not give.
 * The script is templates/scripts/release_units_install.sh.
 */
export function installKeptScript(ctx: DeployContext, release: string, keys: KeptFile['key'][]): string {
  const prev = ctx.paths.configPrevious;
  return serverScript('release_units_install', {
    config_previous: prev,
    ...keptValues(ctx, keys, (f, i) => ({
      [`saved_${i}`]: `${prev}/${f.name}`,
      [`kept_${i}`]: keptPath(ctx, release, f)
    }))
  });
}

/** Puts back the files installKeptScript replaced (templates/scripts/release_units_put_back.sh). */
export function putBackScript(ctx: DeployContext, keys: KeptFile['key'][]): string {
  const prev = ctx.paths.configPrevious;
  return serverScript(
    'release_units_put_back',
    keptValues(ctx, keys, (f, i) => ({ [`saved_${i}`]: `${prev}/${f.name}` }))
  );
}

/** The kept files of `keys` as numbered values (count, live_N and each's own), and daemon_reload. */
function keptValues(
  ctx: DeployContext,
  keys: KeptFile['key'][],
  each: (f: KeptFile, i: number) => ScriptValues
): ScriptValues {
  const files = keptFiles(ctx).filter((f) => keys.includes(f.key));
  return Object.assign(
    { count: files.length, daemon_reload: keys.includes('service') ? 1 : 0 },
    ...files.map((f, i) => ({ [`live_${i}`]: f.live, ...each(f, i) }))
  ) as ScriptValues;
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
