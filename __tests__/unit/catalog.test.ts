import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isStepName, STEP_NAMES, STEPS, stepsOf, type StepName } from '../../src/steps/catalog.js';
import { DEPLOY_STEPS } from '../../src/steps/catalog-deploy.js';
import { OPERATE_STEPS } from '../../src/steps/catalog-operate.js';
import { PROVISION_STEPS } from '../../src/steps/catalog-provision.js';
import { anchor, SECTIONS } from '../../src/troubleshooting.js';
import { sectionFor } from '../../src/error-section.js';

const readme = readFileSync('README.md', 'utf8');

/** The lines between <!-- NAME:start --> and <!-- NAME:end -->. */
function block(name: string): string {
  const a = readme.indexOf(`<!-- ${name}:start -->`);
  const b = readme.indexOf(`<!-- ${name}:end -->`);
  expect([a >= 0, b > a]).toEqual([true, true]);
  return readme.slice(a, b);
}

/** Every step() call of src/ with a literal name: the names the runs record. */
function namesInSource(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        for (const m of text.matchAll(/\b(?:s|track|stepper\(ctx\))\(\s*'([^']+)'/g)) found.add(m[1]!);
        for (const m of text.matchAll(/\bstep\([^;]*?\blabel,\s*'([^']+)'/gs)) found.add(m[1]!);
        // A declared plan's entries (modes/plan.ts): the planner runs each by its name.
        if (p.endsWith('-plan.ts'))
          for (const m of text.matchAll(/(?:^|\{)\s*name: '([^']+)'/gm)) found.add(m[1]!);
      }
    }
  };
  walk('src');
  return found;
}

test("the catalog's parts name each step once (a name in two parts would hide one of them)", () => {
  const parts = [DEPLOY_STEPS, PROVISION_STEPS, OPERATE_STEPS].flatMap((p) => Object.keys(p));
  expect(parts.length).toBe(STEP_NAMES.length);
});

test('every step a mode runs is in the catalog, and every catalog step is run somewhere', () => {
  const used = namesInSource();
  expect([...used].filter((n) => !isStepName(n))).toEqual([]);
  // lock is taken through lockStep (one function for every mode).
  expect(STEP_NAMES.filter((n) => !used.has(n) && n !== 'lock')).toEqual([]);
});

test("every step's Troubleshooting section is a heading of the README", () => {
  for (const name of STEP_NAMES) {
    expect({ name, heading: readme.includes(`\n### ${SECTIONS[STEPS[name].section]}\n`) }).toEqual({
      name,
      heading: true
    });
  }
});

test('the README table of steps is the catalog: name, modes, what, the section it links', () => {
  const rows = block('steps')
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim())
    );
  const refs = new Map(
    [...readme.matchAll(/^\[(t-[a-z]+)\]: #(\S+)$/gm)].map((m) => [m[1]!, m[2]!] as [string, string])
  );
  expect(rows.map((r) => r[0]!.replace(/`/g, ''))).toEqual(STEP_NAMES);
  for (const [cell, modes, what, link] of rows) {
    const name = cell!.replace(/`/g, '') as StepName;
    const info = STEPS[name];
    expect({ name, modes, what }).toEqual({ name, modes: info.modes.join(', '), what: info.what });
    const ref = /\]\[(t-[a-z]+)\]$/.exec(link!)?.[1] ?? '';
    expect({ name, target: refs.get(ref) }).toEqual({ name, target: anchor(SECTIONS[info.section]) });
  }
});

test("the README's deploy steps are the catalog's deploy steps, in order", () => {
  const names = [...block('deploy-steps').matchAll(/^- `([^`]+)`: /gm)].map((m) => m[1]);
  expect(names).toEqual(stepsOf('deploy'));
});

test('every README line fits 200 characters (tables that do not are lists)', () => {
  const long = readme
    .split('\n')
    .map((l, i) => [i + 1, l.length] as const)
    .filter(([, n]) => n > 200);
  expect(long).toEqual([]);
});

test('the lock step is written once: modes take it through lockStep', () => {
  for (const f of readdirSync('src/modes')) {
    const text = readFileSync(path.join('src/modes', f), 'utf8');
    expect({ f, acquireLock: text.includes('acquireLock') }).toEqual({ f, acquireLock: false });
  }
});

test('a step name outside the catalog does not compile', () => {
  // Never called: tsc (and ts-jest) refuse this file if the names are plain strings again.
  const typo = (): unknown =>
    // @ts-expect-error: not a step of the catalog
    sectionFor('deploy', 'no such step');
  expect(typeof typo).toBe('function');
  expect(isStepName('no such step')).toBe(false);
  expect(isStepName('venv')).toBe(true);
});
