import type { DeployContext } from '../deploy/context.js';
import { shQuote } from '../ssh/quote.js';

// The libraries list of a release, as the import check (check.ts) or the candidate's worker
// (candidate.ts) makes it, and as root keeps it for the master's config (preload-libraries).

/**
 * The modules loaded from the interpreter's and the venv's folders, never from the release (the
 * working folder): the app's own code must be imported fresh by every new worker, or a reload
 * would serve old code.
 */
export const LIBRARIES_FN = `def libraries():
    import os, sys
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
    return names
`;

/**
 * Root writes what `listCommand` prints (one module name a line) as the list of `release` in
 * /etc/APP/preload: root-owned, readable by the app's user, whose master's config reads it. Lists of
 * releases no longer on the server go. Only names that are module paths are kept: the list comes
 * from code the repository controls.
 */
export function installPreloadList(ctx: DeployContext, release: string, listCommand: string): string {
  const q = shQuote;
  const dir = ctx.paths.preloadDir;
  const list = `${dir}/${release}`;
  return `install -d -m 0750 -o root -g ${q(ctx.paths.user)} ${q(dir)}
for f in ${q(dir)}/*; do [ -e "$f" ] || continue; [ -d ${q(ctx.paths.releases)}/"$(basename "$f")" ] || rm -f -- "$f"; done
rm -f ${q(list)}
{ ${listCommand} | grep -E '^[A-Za-z_][A-Za-z0-9_.]*$' || true; } > ${q(list)}
chmod 0640 ${q(list)}; chown root:${q(ctx.paths.user)} ${q(list)}`;
}
