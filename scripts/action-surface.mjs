#!/usr/bin/env node
// The action's public surface: every input with its default, every output. A major version keeps
// it (README "Compatibility"); .github/action-surface.json records it as of the last release.
// Usage: node scripts/action-surface.mjs           (print it as JSON)
//        node scripts/action-surface.mjs --write   (record it: part of every release commit)
//        node scripts/action-surface.mjs --check   (exit 1 when the record is not action.yml's)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RECORD = path.join(root, '.github', 'action-surface.json');

export function surface(actionYml) {
  const doc = parse(actionYml);
  const inputs = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) inputs[name] = spec.default === undefined ? null : String(spec.default);
  return { inputs, outputs: Object.keys(doc.outputs ?? {}) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = JSON.stringify(surface(readFileSync(path.join(root, 'action.yml'), 'utf8')), null, 2) + '\n';
  const arg = process.argv[2];
  if (arg === '--write') writeFileSync(RECORD, text);
  else if (arg === '--check') {
    if (readFileSync(RECORD, 'utf8') !== text) {
      console.error('.github/action-surface.json is not action.yml\'s surface: run node scripts/action-surface.mjs --write in the release commit');
      process.exit(1);
    }
  } else process.stdout.write(text);
}
