import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// The layering ARCHITECTURE.md describes, checked on the imports themselves.

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []
  );
}

/** Every module a file imports (static and dynamic), resolved to a path under src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const src = files('src');

test('modes import their contract from modes/types.ts, never the engine (no cycle)', () => {
  const bad = src
    .filter((f) => f.startsWith(path.join('src', 'modes')) || f.startsWith(path.join('src', 'provision')))
    .filter((f) => imports(f).includes(path.join('src', 'engine.ts')));
  expect(bad).toEqual([]);
});

test('only the front doors (src/entry/) read the runner: inputs and saved state', () => {
  const bad = src
    .filter((f) => !f.startsWith(path.join('src', 'entry')))
    .filter((f) =>
      /\bcore\.(getInput|getBooleanInput|getMultilineInput|getState|saveState)\(/.test(
        readFileSync(f, 'utf8')
      )
    );
  expect(bad).toEqual([]);
});

test('nothing imports an entry point but another entry point', () => {
  const entry = path.join('src', 'entry');
  const bad = src
    .filter((f) => !f.startsWith(entry))
    .flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith(entry))
        .map((i) => `${f} -> ${i}`)
    );
  expect(bad).toEqual([]);
});

test('rules and settings sections are reached through their one module (src/rules.ts, src/settings.ts)', () => {
  const inside = (f: string, dir: string): boolean => f.startsWith(path.join('src', dir) + path.sep);
  const bad = src.flatMap((f) =>
    imports(f)
      .filter(
        (i) =>
          (inside(i, 'rules') && !inside(f, 'rules') && f !== path.join('src', 'rules.ts')) ||
          (inside(i, 'settings') && !inside(f, 'settings') && f !== path.join('src', 'settings.ts'))
      )
      .map((i) => `${f} -> ${i}`)
  );
  expect(bad).toEqual([]);
});
