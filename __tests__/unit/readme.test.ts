import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);
const readme = readFileSync('README.md', 'utf8');
const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { description: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description: string }>;
};

/** The items `- \`NAME\`: TEXT` (TEXT wrapped, joined back) between <!-- NAME:start --> and <!-- NAME:end -->. */
function listItems(marker: string): { name: string; text: string }[] {
  const a = readme.indexOf(`<!-- ${marker}:start -->`);
  const b = readme.indexOf(`<!-- ${marker}:end -->`);
  expect([a >= 0, b > a]).toEqual([true, true]);
  return readme
    .slice(a, b)
    .split(/\n(?=- `)/)
    .filter((t) => t.startsWith('- `'))
    .map((t) => {
      const m = /^- `([^`]+)`: (.*)$/s.exec(t.trimEnd().replace(/\\?\n {2}/g, ' '));
      expect({ item: t, parsed: !!m }).toEqual({ item: t, parsed: true });
      return { name: m![1]!, text: m![2]! };
    });
}

/** The README from a heading to the next heading of the same level. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0]!;
  const rest = readme.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`^${level} `, 'm'));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The inputs list between the markers: `- \`NAME\` (required|default \`X\`): DESCRIPTION`, wrapped. */
function inputItems(): string[][] {
  const a = readme.indexOf('<!-- inputs:start -->');
  const b = readme.indexOf('<!-- inputs:end -->');
  expect([a >= 0, b > a]).toEqual([true, true]);
  const items = readme
    .slice(a, b)
    .split(/\n(?=- `)/)
    .filter((t) => t.startsWith('- `'))
    .map((t) =>
      t
        .split('\n\n')[0]!
        .trimEnd()
        .replace(/\n {2}/g, ' ')
    );
  return items.map((item) => {
    const m = /^- `([^`]+)`(?: \((required|default `[^`]*`)\))?: (.*)$/s.exec(item);
    expect({ item, parsed: !!m }).toEqual({ item, parsed: true });
    const note = m![2] ?? '';
    return [
      `\`${m![1]}\``,
      note === 'required' ? 'yes' : '',
      note.startsWith('default ') ? note.slice('default '.length) : '',
      m![3]!
    ];
  });
}

test('the inputs list is action.yml: no input undocumented, no stale one, same defaults', () => {
  const table = inputItems();
  const names = table.map((r) => r[0]!.replace(/`/g, ''));
  // Grouped by purpose (scripts/readme-inputs.mjs), so in another order than action.yml's: each
  // input exactly once.
  expect([...names].sort()).toEqual(Object.keys(action.inputs).sort());
  expect(new Set(names).size).toBe(names.length);
  for (const [name, required, def, description] of table) {
    const spec = action.inputs[name!.replace(/`/g, '')]!;
    expect([name, required]).toEqual([name, spec.required === true ? 'yes' : '']);
    const want = spec.default === undefined || spec.default === '' ? '' : `\`${String(spec.default)}\``;
    expect([name, def]).toEqual([name, want]);
    expect(description).toBe(spec.description.replace(/\s+/g, ' ').trim());
  }
});

test('the outputs list is action.yml', () => {
  const items = listItems('outputs');
  expect(items.map((i) => i.name)).toEqual(Object.keys(action.outputs));
  for (const { name, text } of items) {
    expect(text).toBe(action.outputs[name]!.description.replace(/\s+/g, ' ').trim());
  }
});

test('scripts/readme-inputs.mjs --check agrees (it is what regenerates the tables)', async () => {
  const { stdout } = await run(process.execPath, ['scripts/readme-inputs.mjs', '--check']);
  expect(stdout).toContain('match');
});

test('the example workflows are each linked and described', () => {
  const s = section('## Example workflows');
  for (const f of readdirSync('examples/workflows')) {
    expect(s).toContain(`(examples/workflows/${f})`);
  }
  expect(s).toMatch(/concurrency/);
  expect(s).toMatch(/workflow_call/);
  expect(s).toMatch(/workflow_dispatch/);
});

test('the host key section: ssh-keyscan, ssh-keygen -lf, compare, a KNOWN_HOSTS variable', () => {
  const s = section("## The server's host key");
  expect(s).toContain('ssh-keyscan -t ed25519');
  expect(s).toContain('ssh-keygen -lf kh');
  expect(s).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
  expect(s).toMatch(/variable\*\*\s+`KNOWN_HOSTS`/);
  expect(s).toContain('known-hosts: ${{ vars.KNOWN_HOSTS }}');
});

test('moving off Docker Compose: the database copied consistently, then provision with import-database', () => {
  const s = section('## Moving off Docker Compose');
  expect(s).toContain('docker compose cp');
  expect(s).toContain(".backup '");
  expect(s).toContain('PRAGMA integrity_check');
  expect(s).toContain('import-database: /tmp/app.db');
  expect(s).toContain('mode: provision');
});

// Fragments of every error message a user can meet, as they are written in src/ or in a server
// script (templates/scripts/). Each one must still be there (not stale) and have its
// troubleshooting entry.
const MESSAGES: [string, string][] = [
  ['src/settings.ts', 'not valid (nothing was changed on any server)'],
  ['src/settings/ssh.ts', 'must be the private key text itself'],
  ['src/settings/ssh.ts', "give the servers' host keys"],
  ['src/settings/ssh.ts', 'is not a SHA256 fingerprint'],
  ['src/settings/ssh.ts', 'lists the same server twice'],
  ['src/rules/fs-paths.ts', 'is a system folder'],
  ['src/settings/env.ts', 'each line must be KEY=VALUE'],
  ['src/rules/environment.ts', 'FLASK_DEBUG must stay off in production'],
  ['src/settings/provision.ts', 'needs `sqlite-db` too'],
  ['src/source-check.ts', 'is not a folder on the runner'],
  ['src/source-check.ts', 'is not a file in'],
  ['src/ssh/hostkeys.ts', 'is unknown: add it to known-hosts or host-fingerprint'],
  ['src/ssh/hostkeys.ts', 'does not match'],
  ['src/ssh/hostkeys.ts', 'is marked @revoked in known-hosts'],
  ['src/ssh/hostkeys.ts', 'is not a key this client can read'],
  ['src/ssh/hostkeys.ts', 'ignored: '],
  ['src/ssh/connection.ts', 'failed: the server refused the private key'],
  ['src/ssh/connection.ts', 'private-key could not be used: '],
  ['src/ssh/connection.ts', 'private-key is empty or not a private key'],
  ['src/ssh/connection.ts', 'cannot connect to '],
  ['src/ssh/connection.ts', 'cannot resolve host name'],
  ['src/ssh/connection.ts', '(through the bastion'],
  ['src/ssh/connection.ts', 'SSH connection to '],
  ['src/modes/preflight.ts', 'the SSH user has no passwordless sudo'],
  ['src/modes/preflight.ts', 'systemd is not PID 1'],
  ['src/modes/preflight.ts', 'python3 is missing'],
  ['src/modes/preflight-mode.ts', 'not usable: '],
  ['src/modes/preflight.ts', 'missing packages: '],
  [
    'templates/scripts/name_refusal.sh',
    'is taken on this server by something gunicorn-deploy did not create'
  ],
  ['templates/scripts/disk_refusal.sh', 'min-free-space needs'],
  ['src/rules/names.ts', 'is reserved'],
  ['src/rules/environment.ts', 'is set by gunicorn-deploy or systemd for the service'],
  ['src/modes/provision-mode.ts', 'this server cannot be provisioned'],
  ['src/steps/layout.ts', 'preparing the app layout'],
  ['src/steps/lock.ts', 'held the lock for the whole lock-timeout'],
  ['src/steps/lock.ts', 'could not take the deploy lock'],
  ['src/ssh/upload.ts', 'does not exist or is not a directory'],
  ['src/ssh/local-tar.ts', 'could not run local tar'],
  ['src/steps/venv.ts', 'failed; nothing was switched'],
  ['src/steps/venv.ts', 'building the virtualenv failed'],
  ['src/steps/check.ts', 'the new release does not load'],
  ['src/steps/hooks.ts', 'commands failed (exit'],
  ['src/rules/environment.ts', 'a value cannot contain a newline'],
  ['src/render/templates-dir.ts', 'cannot find the templates folder'],
  ['src/modes/deploy-mode.ts', 'failed and was rolled back;'],
  ['src/modes/deploy-mode.ts', 'there is no previous release to roll back to'],
  ['src/modes/deploy-mode.ts', 'failed too'],
  ['src/modes/deploy-mode.ts', 'to go back to'],
  ['src/steps/verify.ts', 'is not live after'],
  ['src/modes/rollback-mode.ts', 'there is no release proven live other than the current one'],
  ['src/modes/rollback-mode.ts', 'not known to have served'],
  ['src/steps/candidate.ts', 'was refused before the switch'],
  ['src/modes/rollback-mode.ts', '(or its venv is gone)'],
  ['src/modes/rollback-mode.ts', 'did not come up healthy'],
  ['src/provision/packages.ts', 'apt does not know the package(s)'],
  ['src/provision/nginx.ts', 'nginx -t refused the configuration with the new site'],
  ['src/provision/import-database.ts', 'has characters the import cannot quote for sqlite3'],
  ['src/provision/import-database.ts', '. Nothing was changed.'],
  ['src/provision/verify.ts', 'the verify checklist did not run'],
  ['src/github.ts', 'GitHub deployment: '],
  ['src/github.ts', 'it needs GITHUB_REPOSITORY']
];

test.each(MESSAGES)('%s: "%s" has a troubleshooting entry', (file, fragment) => {
  expect(readFileSync(path.resolve(file), 'utf8')).toContain(fragment);
  const troubleshooting = section('## Troubleshooting');
  // The entry quotes the message (backticks around parts of it are allowed).
  const words = fragment
    .replace(/`/g, '')
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const flat = troubleshooting.replace(/`/g, '');
  expect([fragment, flat.includes(words.join(' '))]).toEqual([fragment, true]);
});

test('the README, CHANGELOG and SECURITY point at nothing outside the repository, and their local links exist', () => {
  for (const file of ['README.md', 'CHANGELOG.md', 'SECURITY.md']) {
    const text = readFileSync(file, 'utf8');
    expect({ file, outside: text.match(/\]\(\.\.\/[^)]*|\.\.\/shared\b/g) ?? [] }).toEqual({
      file,
      outside: []
    });
    for (const m of text.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)) {
      expect({
        file,
        link: m[1],
        exists: readdirSync(path.dirname(m[1]!) || '.').includes(path.basename(m[1]!))
      }).toEqual({
        file,
        link: m[1],
        exists: true
      });
    }
  }
});
