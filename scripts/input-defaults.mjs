#!/usr/bin/env node
// Writes src/settings/defaults.ts from action.yml, so the defaults of the inputs live in one place
// (action.yml) and the bundle never has to read action.yml at runtime.
// Usage: node scripts/input-defaults.mjs          (rewrite src/settings/defaults.ts)
//        node scripts/input-defaults.mjs --check  (exit 1 when it is not up to date)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'src', 'settings', 'defaults.ts');

const key = (name) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `'${name}'`);
const str = (value) => `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The TypeScript text of src/settings/defaults.ts for this action.yml text. */
export function renderDefaults(actionYml) {
  const inputs = parse(actionYml).inputs ?? {};
  const rows = Object.entries(inputs)
    .filter(([, spec]) => spec && spec.default !== undefined)
    .map(([name, spec]) => `  ${key(name)}: ${str(spec.default)}`);
  return (
    '// Generated from action.yml by scripts/input-defaults.mjs: edit action.yml, then run that script.\n' +
    '// __tests__/unit/settings.test.ts fails when this file is stale.\n\n' +
    "/** The default of every optional input that has one, as action.yml declares it. */\n" +
    'export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {\n' +
    rows.join(',\n') +
    '\n};\n'
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = renderDefaults(readFileSync(path.join(root, 'action.yml'), 'utf8'));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.log('src/settings/defaults.ts is stale: run node scripts/input-defaults.mjs');
      process.exit(1);
    }
    console.log('src/settings/defaults.ts is up to date');
  } else {
    writeFileSync(target, text);
    console.log('wrote src/settings/defaults.ts');
  }
}
