#!/usr/bin/env node
// Writes the inputs and outputs tables of README.md from action.yml, between the markers
// <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->.
// Usage: node scripts/readme-inputs.mjs          (rewrite README.md)
//        node scripts/readme-inputs.mjs --check  (exit 1 when README.md is not up to date)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const cell = (s) => String(s).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');

export function tables(actionYml) {
  const doc = parse(actionYml);
  const inputs = Object.entries(doc.inputs ?? {}).map(([name, spec]) => {
    const def = spec.default === undefined || spec.default === '' ? '' : `\`${cell(spec.default)}\``;
    return `| \`${name}\` | ${spec.required === true ? 'yes' : ''} | ${def} | ${cell(spec.description)} |`;
  });
  const outputs = Object.entries(doc.outputs ?? {}).map(
    ([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`
  );
  return {
    inputs: ['| input | required | default | description |', '| --- | --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| output | description |', '| --- | --- |', ...outputs].join('\n')
  };
}

export function render(readme, actionYml) {
  const t = tables(actionYml);
  let out = readme;
  for (const name of ['inputs', 'outputs']) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README.md has no ${start} ... ${end} markers`);
    out = `${out.slice(0, a + start.length)}\n${t[name]}\n${out.slice(b)}`;
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const readmePath = path.join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const fresh = render(readme, readFileSync(path.join(root, 'action.yml'), 'utf8'));
  if (process.argv.includes('--check')) {
    if (fresh !== readme) {
      console.error('README.md inputs/outputs tables differ from action.yml: run node scripts/readme-inputs.mjs');
      process.exit(1);
    }
    console.log('README.md tables match action.yml');
  } else if (fresh !== readme) {
    writeFileSync(readmePath, fresh);
    console.log('README.md tables rewritten from action.yml');
  }
}
