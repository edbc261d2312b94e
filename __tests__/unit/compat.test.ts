import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The public surface a major version keeps (README "Compatibility"). */
interface Surface {
  inputs: Record<string, string | null>;
  outputs: string[];
}

function surfaceOf(actionYml: string): Surface {
  const doc = parse(actionYml) as {
    inputs?: Record<string, { default?: unknown }>;
    outputs?: Record<string, unknown>;
  };
  const inputs: Record<string, string | null> = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {}))
    inputs[name] = spec.default === undefined ? null : String(spec.default);
  return { inputs, outputs: Object.keys(doc.outputs ?? {}) };
}

/** "### Removed" (or another heading) of the changelog's Unreleased section: its text. */
function unreleased(changelog: string, heading: string): string {
  const section = /^## \[Unreleased\]\n([\s\S]*?)(?=^## \[|(?![\s\S]))/m.exec(changelog)?.[1] ?? '';
  return new RegExp(`^### ${heading}\\n([\\s\\S]*?)(?=^###? |(?![\\s\\S]))`, 'm').exec(section)?.[1] ?? '';
}

/** Every break of the released surface that the changelog does not announce. */
function unannounced(released: Surface, now: Surface, changelog: string): string[] {
  const removed = unreleased(changelog, 'Removed');
  const changed = unreleased(changelog, 'Changed');
  const named = (text: string, name: string): boolean => text.includes(`\`${name}\``);
  const problems: string[] = [];
  for (const [name, def] of Object.entries(released.inputs)) {
    if (!(name in now.inputs)) {
      if (!named(removed, name)) problems.push(`input \`${name}\` was removed without a "Removed" entry`);
    } else if (now.inputs[name] !== def && !named(changed, name)) {
      problems.push(
        `input \`${name}\`'s default changed (${def} -> ${now.inputs[name]}) without a "Changed" entry`
      );
    }
  }
  for (const name of released.outputs) {
    if (!now.outputs.includes(name) && !named(removed, name))
      problems.push(`output \`${name}\` was removed without a "Removed" entry`);
  }
  return problems;
}

const released = JSON.parse(readFileSync('.github/action-surface.json', 'utf8')) as Surface;
const actionYml = readFileSync('action.yml', 'utf8');
const changelog = readFileSync('CHANGELOG.md', 'utf8');

test('no input or output of the last release disappeared, and no default changed, without a CHANGELOG entry', () => {
  expect(unannounced(released, surfaceOf(actionYml), changelog)).toEqual([]);
});

test('the check catches a removed input, a removed output and a changed default, and accepts them announced', () => {
  // A changelog of its own, so the real one's entries announce nothing here.
  const changelog =
    '# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-11-30\n\n### Added\n\n- Everything.\n';
  // The released surface itself, changed in three ways (today's action.yml may differ anyway).
  const now = structuredClone(released);
  delete now.inputs['keep-releases'];
  now.inputs['health-path'] = '/healthz';
  now.outputs = now.outputs.filter((o) => o !== 'reload');
  expect(unannounced(released, now, changelog)).toEqual([
    expect.stringContaining('input `health-path`'),
    expect.stringContaining('input `keep-releases`'),
    expect.stringContaining('output `reload`')
  ]);
  const announced = changelog.replace(
    '## [Unreleased]\n',
    '## [Unreleased]\n\n### Changed\n\n- `health-path` defaults to /healthz.\n\n### Removed\n\n- `keep-releases` and the `reload` output.\n'
  );
  expect(unannounced(released, now, announced)).toEqual([]);
  // An entry in an old version's section announces nothing for the next release.
  const stale = announced.replace(
    /^## \[0\.1\.0\].*\n/m,
    (head) => `${head}\n### Removed\n\n- \`keep-releases\`, \`reload\`\n`
  );
  expect(
    unannounced(released, now, stale.replace('- `keep-releases` and the `reload` output.\n', ''))
  ).toEqual([expect.stringContaining('input `keep-releases`'), expect.stringContaining('output `reload`')]);
});

test('the recorded surface is what scripts/action-surface.mjs reads from action.yml', () => {
  // The release script refuses a tag whose record is stale; here only its shape is pinned.
  expect(Object.keys(released.inputs).length).toBeGreaterThan(40);
  expect(released.outputs).toEqual(expect.arrayContaining(['status', 'release', 'previous-release']));
});

test('action.yml is Marketplace-ready: name, description, branding, and every input and output described', () => {
  const doc = parse(actionYml) as {
    name?: string;
    description?: string;
    branding?: { icon?: string; color?: string };
    inputs: Record<string, { description?: string }>;
    outputs: Record<string, { description?: string }>;
    runs: { using: string; main: string; post?: string };
  };
  expect(doc.name).toBe('gunicorn-deploy');
  // The Marketplace refuses a release whose description has 125 characters or more.
  expect((doc.description ?? '').length).toBeGreaterThan(20);
  expect((doc.description ?? '').length).toBeLessThan(125);
  expect(doc.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  const colors = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark'];
  expect(colors).toContain(doc.branding!.color);
  const undescribed = [
    ...Object.entries(doc.inputs).filter(([, s]) => !(s.description ?? '').trim()),
    ...Object.entries(doc.outputs).filter(([, s]) => !(s.description ?? '').trim())
  ].map(([n]) => n);
  expect(undescribed).toEqual([]);
  expect(doc.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
});
