import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Finding templates/ (in a checkout, an installed package or the action's bundle). Its own module:
 * server scripts (scripts.ts) load from it without importing the renderer's variables.
 */

export interface Where {
  env?: NodeJS.ProcessEnv;
  argv1?: string;
  cwd?: string;
}

const MARKER = path.join('templates', 'systemd', 'app.service.hbs');

function isActionRoot(dir: string): boolean {
  return existsSync(path.join(dir, MARKER)) && existsSync(path.join(dir, 'action.yml'));
}

function walkUp(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (isActionRoot(dir)) return path.join(dir, 'templates');
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The action's own templates folder. Not from import.meta.url (ncc rewrites it in the bundle):
 * $GUNICORN_DEPLOY_TEMPLATES, then $GITHUB_ACTION_PATH/templates, then the nearest folder above the
 * running script (symlinks resolved), then above the working directory, that holds action.yml and
 * templates/.
 */
export function templatesDir(where: Where = {}): string {
  const env = where.env ?? process.env;
  const explicit = env.GUNICORN_DEPLOY_TEMPLATES;
  if (explicit) {
    if (!existsSync(path.join(explicit, 'systemd', 'app.service.hbs'))) {
      throw new Error(
        `GUNICORN_DEPLOY_TEMPLATES=${explicit} does not hold the templates (systemd/app.service.hbs)`
      );
    }
    return path.resolve(explicit);
  }
  if (env.GITHUB_ACTION_PATH && existsSync(path.join(env.GITHUB_ACTION_PATH, MARKER))) {
    return path.resolve(env.GITHUB_ACTION_PATH, 'templates');
  }
  const argv1 = where.argv1 ?? process.argv[1];
  // Through symlinks: npm's node_modules/.bin/gunicorn-deploy links to the package's bin/.
  const script = argv1 && existsSync(argv1) ? realpathSync(argv1) : argv1;
  const found =
    (script ? walkUp(path.dirname(path.resolve(script))) : undefined) ?? walkUp(where.cwd ?? process.cwd());
  if (!found) {
    throw new Error(
      'cannot find the templates folder (templates/ next to action.yml); set GUNICORN_DEPLOY_TEMPLATES'
    );
  }
  return found;
}
