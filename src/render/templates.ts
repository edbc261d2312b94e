import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { shQuote } from '../ssh/quote.js';
import { envQuote, type TemplateVars } from './vars.js';

/** Filling in a template from templates/ (templates-dir.ts finds the folder). */

import { templatesDir } from './templates-dir.js';

export { templatesDir };

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
