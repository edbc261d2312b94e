import type { DeployContext } from '../deploy/context.js';
import { lastLines } from '../deploy/context.js';
import { appRunCommand } from '../deploy/app-run.js';
import { stateCommand } from '../deploy/release-record.js';
import { shQuote } from '../ssh/quote.js';
import { DeployError, keepsServing, type StepOutcome } from './step.js';
import type { StagedConfig } from './config.js';
import type { QueuedRequest } from '../ssh/types.js';

const MARKER = '--- gunicorn-deploy: libraries ---';

/**
 * gunicorn --check-config, plus, at exit, the modules the app's import loaded from the
 * interpreter's and the venv's folders, never from the release: the app's own code must be
 * imported fresh by every new worker, or a reload would serve old code.
 */
const CHECK_AND_LIST = `import atexit, os, sys
def listing():
    release = os.path.realpath(os.getcwd()) + os.sep
    roots = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    names = []
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if name == "__main__" or not isinstance(f, str):
            continue
        f = os.path.realpath(f)
        if f.startswith(roots) and not f.startswith(release):
            names.append(name)
    sys.stdout.flush()
    sys.stdout.write("\\n${MARKER}\\n" + "\\n".join(names) + "\\n")
    sys.stdout.flush()
atexit.register(listing)
sys.argv[0] = "gunicorn"
from gunicorn.app.wsgiapp import run
run()
`;

/** Root-owned, readable by the app's user (Gunicorn's master reads it): one list per release. */
export function preloadDir(ctx: DeployContext): string {
  return ctx.paths.preloadDir;
}

/**
 * A release that fails to import takes the whole server down on HUP (gunicorn #2443), so it is
 * imported first, with its own venv, config and environment, before anything is switched. With
 * preload-libraries, the list of libraries it loaded is written by root into /etc/APP/preload/ID,
 * never into the release (whose files the repository controls: a symlink there would be written
 * through). The release is recorded as built.
 */
type CheckConfig = Pick<StagedConfig, 'envFile' | 'gunicornConf'>;

export function checkCommand(ctx: DeployContext, release: string, staged: CheckConfig): string {
  const rel = ctx.paths.releaseDir(release);
  const preload = ctx.settings.deploy.preloadLibraries;
  const gunicornArgs = [
    '--check-config',
    '-c',
    staged.gunicornConf,
    '--chdir',
    rel,
    ctx.settings.deploy.wsgiApp
  ];
  const run = appRunCommand(ctx.paths, {
    cwd: rel,
    envFile: staged.envFile,
    venv: `${rel}/.venv`,
    argv: [
      `${rel}/.venv/bin/python`,
      ...(preload ? ['-c', CHECK_AND_LIST] : ['-m', 'gunicorn']),
      ...gunicornArgs
    ]
  });
  const built = stateCommand(ctx, release, 'built');
  if (!preload) return `${built}\n${run}`;
  const q = shQuote;
  const dir = preloadDir(ctx);
  const list = `${dir}/${release}`;
  // Only for a release that passed; the app's own output is passed on without the list. Lists of
  // releases no longer on the server go.
  return `${built}
out=$(mktemp) && trap 'rm -f "$out"' EXIT
rc=0; ${run} > "$out" || rc=$?
awk -v m=${q(MARKER)} '$0 == m { exit } { print }' "$out"
if [ "$rc" = 0 ]; then
  install -d -m 0750 -o root -g ${q(ctx.paths.user)} ${q(dir)}
  for f in ${q(dir)}/*; do [ -e "$f" ] || continue; [ -d ${q(ctx.paths.releases)}/"$(basename "$f")" ] || rm -f -- "$f"; done
  rm -f ${q(list)}
  awk -v m=${q(MARKER)} 'found { print } $0 == m { found = 1 }' "$out" > ${q(list)}
  chmod 0640 ${q(list)}; chown root:${q(ctx.paths.user)} ${q(list)}
fi
exit "$rc"`;
}

/** How the check runs: also how it is sent ahead (the same text and options). */
const CHECK_OPTS = { sudo: true, ownChannel: true, timeoutMs: 120_000 };

/** The check as a request to queue (sendNext, sendNextTogether); checkRelease then takes its answer. */
export function checkRequest(ctx: DeployContext, release: string, staged: CheckConfig): QueuedRequest {
  return { text: checkCommand(ctx, release, staged), opts: CHECK_OPTS, kind: 'exec' };
}

export async function checkRelease(
  ctx: DeployContext,
  release: string,
  staged: CheckConfig
): Promise<StepOutcome> {
  const res = await ctx.remote.exec(checkCommand(ctx, release, staged), CHECK_OPTS);
  if (res.code !== 0) {
    throw new DeployError(
      `the new release does not load (${ctx.settings.deploy.wsgiApp}); nothing was switched${keepsServing(ctx)}:\n${lastLines(res.stderr + res.stdout, 25)}`,
      'Fix the import error (run the app locally with gunicorn --check-config) and deploy again.'
    );
  }
  // Sent in a group, it ran beside the backup and the candidate boot: its time overlaps theirs.
  const beside = res.serverMs === undefined ? '' : ' (beside the candidate boot)';
  return { detail: `${ctx.settings.deploy.wsgiApp} imports${beside}`, ms: res.serverMs };
}
