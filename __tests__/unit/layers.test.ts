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

/** Groups of modules that import each other, directly or through others (Tarjan's strongly connected components). */
function circles(): string[][] {
  const graph = new Map(src.map((f) => [f, imports(f).filter((i) => src.includes(i))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)!.includes(v)) found.push(group.sort());
  };
  for (const f of src) if (!index.has(f)) visit(f);
  return found;
}

test('no import circle: every module can be read knowing only what it imports (type imports included)', () => {
  expect(circles()).toEqual([]);
});

test("ARCHITECTURE.md's settings example is real code (src/settings/edge.ts, word for word)", () => {
  const doc = readFileSync('ARCHITECTURE.md', 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc)![1]!.replace(/^ {3}/gm, '');
  expect(readFileSync(path.join('src', 'settings', 'edge.ts'), 'utf8')).toContain(block.trim());
});
