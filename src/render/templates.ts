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

function template(name: string, dir: string): HandlebarsTemplateDelegate {
  const file = path.join(dir, `${name}.hbs`);
  let t = compiled.get(file);
  if (!t) {
    t = hbs.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    compiled.set(file, t);
  }
  return t;
}

/** Renders templates/NAME.hbs; a variable the template uses but vars lacks throws (strict mode). */
export function renderTemplate(name: string, vars: TemplateVars, dir: string = templatesDir()): string {
  return template(name, dir)(vars);
}

/**
 * Compiles templates/NAME.hbs now rather than at its first render: Handlebars parses and compiles
 * a template on its first call (a few ms to tens of ms each), and a deploy can pay that while it
 * waits for the server instead of after an answer it waits for.
 */
export function compileTemplate(name: string, dir: string = templatesDir()): void {
  try {
    // No variables: strict mode throws at the first one, once the template is compiled.
    template(name, dir)({});
  } catch {
    // Compiled all the same; its real render says what is wrong, if anything is.
  }
}
