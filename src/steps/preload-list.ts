import type { DeployContext } from '../deploy/context.js';
import { serverProgram, serverScript } from '../render/scripts.js';

// The libraries list of a release, as the import check (check.ts) or the candidate's worker
// (candidate.ts) makes it, and as root keeps it for the master's config (preload-libraries).

/**
 * Python defining libraries() (templates/scripts/preload_libraries.py): the modules loaded from
 * the interpreter's and the venv's folders, never from the release, composed before the program
 * that calls it.
 */
export function librariesPython(): string {
  return serverProgram('preload_libraries');
}

/**
 * Shell defining install_preload_list (templates/scripts/preload_list.sh): root writes what the
 * caller's preload_source function prints (one module name a line) as the list of `release` in
 * /etc/APP/preload: root-owned, readable by the app's user, whose master's config reads it. Lists
 * of releases no longer on the server go. Only names that are module paths are kept: the list comes
 * from code the repository controls.
 */
export function preloadListScript(ctx: DeployContext, release: string): string {
  const dir = ctx.paths.preloadDir;
  return serverScript('preload_list', {
    preload_dir: dir,
    preload_list: `${dir}/${release}`,
    releases_dir: ctx.paths.releases,
    app_user: ctx.paths.user
  });
}
