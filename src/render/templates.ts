import { existsSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { shQuote } from '../ssh/quote.js';
import { envQuote, type TemplateVars } from './vars.js';

/** Finding templates/ (in a checkout, an installed package or the action's bundle) and filling one in. */

interface Where {
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

const hbs = Handlebars.create();
hbs.registerHelper('sh', (value: unknown) => shQuote(String(value)));
// A JSON string is a valid Python string literal.
hbs.registerHelper('py', (value: unknown) => JSON.stringify(String(value)));
hbs.registerHelper('envq', (value: unknown) => envQuote(String(value)));
// One word of an ExecStart= line. systemd removes quotes anywhere in a word (create_app('prod') would
// reach Gunicorn as create_app(prod)), so a word with quotes goes inside double quotes; the rules
// keep ", \, $ and % out of it.
hbs.registerHelper('unitword', (value: unknown) => {
  const v = String(value);
  return /^[A-Za-z0-9_.:/-]+$/.test(v) ? v : `"${v}"`;
});

// A name nginx accepts in a variable (app names have - but never _: distinct apps stay distinct).
hbs.registerHelper('ident', (value: unknown) => String(value).replace(/[^A-Za-z0-9_]/g, '_'));

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders templates/NAME.hbs; a variable the template uses but vars lacks throws (strict mode). */
export function renderTemplate(name: string, vars: TemplateVars, dir: string = templatesDir()): string {
  const file = path.join(dir, `${name}.hbs`);
  let template = compiled.get(file);
  if (!template) {
    template = hbs.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    compiled.set(file, template);
  }
  return template(vars);
}
