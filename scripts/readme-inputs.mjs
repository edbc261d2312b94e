#!/usr/bin/env node
// Writes the inputs list (grouped by purpose) and the outputs list of README.md from action.yml, between the markers
// <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->.
// Usage: node scripts/readme-inputs.mjs          (rewrite README.md)
//        node scripts/readme-inputs.mjs --check  (exit 1 when README.md is not up to date)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim();

/** Words into lines of at most width characters (a longer word stands alone), continued with indent. */
export function wrap(text, width, indent) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? line + ' ' + word : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/**
 * Inputs by purpose, in the order a reader needs them. An input named in no group is placed by its
 * description ("With mode provision: ..."), else under Deploy: a new input never goes missing.
 */
export const GROUPS = [
  ['Connection', ['mode', 'host', 'port', 'user', 'private-key', 'passphrase', 'known-hosts', 'host-fingerprint', 'trust-on-first-use', 'connect-timeout']],
  ['The app', ['app-name', 'app-dir', 'source', 'exclude', 'wsgi-app', 'requirements', 'extras', 'python', 'venv-system-site-packages', 'pip-args', 'workers', 'preload-libraries', 'shared-paths', 'env', 'build']],
  ['Gunicorn', ['worker-class', 'threads', 'timeout', 'graceful-timeout', 'keepalive', 'max-requests', 'max-requests-jitter', 'worker-connections', 'limit-request-line', 'limit-request-fields', 'limit-request-field-size', 'gunicorn-settings']],
  ['Deploy', ['health-path', 'health-host', 'health-expect', 'health-timeout', 'smoke-paths', 'sqlite-db', 'backups-keep', 'pre-activate', 'post-activate', 'keep-releases', 'lock-timeout', 'force-unlock', 'min-free-space', 'full-upload', 'commit', 'ref']],
  ['Rollback, run and backups', ['rollback-to', 'command', 'run-lock', 'backup', 'download-backup', 'rollback-restore-database']],
  ['Provision', ['static']],
  ['Several servers', ['max-parallel', 'canary', 'rollback-scope', 'jump-host', 'jump-private-key', 'jump-known-hosts', 'jump-host-fingerprint']],
  ['GitHub', ['github-token', 'environment', 'environment-url']]
];

export function groupOf(name, spec) {
  for (const [group, names] of GROUPS) if (names.includes(name)) return group;
  const d = String(spec.description ?? '');
  if (/^With mode provision/.test(d)) return 'Provision';
  if (/^With mode (rollback|run|restore|backups)/.test(d)) return 'Rollback, run and backups';
  return 'Deploy';
}

export function tables(actionYml) {
  const doc = parse(actionYml);
  // A list, not a table: a description wraps at a readable width (a table row cannot).
  const row = ([name, spec]) => {
    const def = spec.default === undefined || spec.default === '' ? '' : ` (default \`${oneLine(spec.default)}\`)`;
    const head = `- \`${name}\`${spec.required === true ? ' (required)' : def}: `;
    return wrap(head + oneLine(spec.description), 100, '  ');
  };
  const entries = Object.entries(doc.inputs ?? {});
  const inputs = GROUPS.map(([group]) => {
    const rows = entries.filter(([n, s]) => groupOf(n, s) === group).map(row);
    if (rows.length === 0) return '';
    return [`**${group}**`, '', ...rows].join('\n');
  }).filter((t) => t);
  // A list too: a table row is as long as its longest description.
  const outputs = Object.entries(doc.outputs ?? {}).map(([name, spec]) =>
    wrap(`- \`${name}\`: ${oneLine(spec.description)}`, 100, '  ')
  );
  return {
    inputs: inputs.join('\n\n'),
    outputs: outputs.join('\n')
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
