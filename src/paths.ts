import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/**
 * The action's own folder (where action.yml and templates/ live). Not import.meta.url: ncc rewrites
 * it in the bundle, so look from where the runner or the user started us instead.
 */
export function actionRoot(): string {
  if (cached) return cached;
  const starts = [
    process.env.GUNICORN_DEPLOY_ROOT,
    process.env.GITHUB_ACTION_PATH,
    process.argv[1] ? path.dirname(fs.realpathSync(process.argv[1])) : undefined,
    process.cwd()
  ].filter((s): s is string => !!s);
  for (const start of starts) {
    let dir = path.resolve(start);
    for (;;) {
      if (fs.existsSync(path.join(dir, 'action.yml')) && fs.existsSync(path.join(dir, 'templates'))) {
        cached = dir;
        return dir;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(
    `cannot find the gunicorn-deploy folder (action.yml and templates/) from ${starts.join(', ')}; set GUNICORN_DEPLOY_ROOT`
  );
}
