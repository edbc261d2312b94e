import {
  parseSettings,
  parseDuration,
  SettingsError,
  INPUT_DEFAULTS,
  DEFAULT_EXCLUDES
} from '../../src/settings.js';
import { readActionInputs } from '../../src/action-inputs.js';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const FP = 'SHA256:' + 'A'.repeat(43);

function reader(over: Record<string, string>): (n: string) => string {
  const base: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': FP
  };
  const all = { ...base, ...over };
  return (n) => all[n] ?? '';
}

function problems(over: Record<string, string>): string[] {
  try {
    parseSettings(reader(over));
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

describe('settings', () => {
  test('defaults', () => {
    const s = parseSettings(reader({}));
    expect(s.mode).toBe('deploy');
    expect(s.hosts).toEqual([{ host: '10.0.0.5', port: 22 }]);
    expect(s.app.dir).toBe('/srv/shop');
    expect(s.app.exclude).toEqual(DEFAULT_EXCLUDES);
    expect(s.ssh.user).toBe('deploy');
    expect(s.deploy.keepReleases).toBe(5);
    expect(s.deploy.healthTimeoutMs).toBe(30_000);
    expect(s.deploy.workers).toBe('auto');
  });

  test('several hosts, comma or newline separated, each with an optional port', () => {
    const s = parseSettings(
      reader({ host: 'a.example.com, 10.0.0.7:2222\n[2001:db8::1]:2200\n', port: '2022' })
    );
    expect(s.hosts).toEqual([
      { host: 'a.example.com', port: 2022 },
      { host: '10.0.0.7', port: 2222 },
      { host: '2001:db8::1', port: 2200 }
    ]);
  });

  test.each([
    [{ 'app-name': 'Shop' }, 'app-name'],
    [{ 'app-name': '1shop' }, 'app-name'],
    [{ 'app-name': 'a'.repeat(33) }, 'app-name'],
    [{ 'app-name': 'shop;rm' }, 'app-name'],
    [{ 'app-name': '' }, 'app-name'],
    [{ port: '0' }, 'port'],
    [{ port: '65536' }, 'port'],
    [{ port: 'ssh' }, 'port'],
    [{ host: '10.0.0.5:99999' }, 'host'],
    [{ host: 'bad host' }, 'host'],
    [{ host: '' }, 'host'],
    [{ host: 'a.example.com,a.example.com' }, 'host'],
    [{ 'app-dir': 'srv/shop' }, 'app-dir'],
    [{ 'app-dir': '/srv/../etc' }, 'app-dir'],
    [{ 'app-dir': '/srv/my shop' }, 'app-dir'],
    [{ 'app-dir': '/etc' }, 'app-dir'],
    [{ 'health-timeout': '0' }, 'health-timeout'],
    [{ 'health-timeout': '-5s' }, 'health-timeout'],
    [{ 'lock-timeout': 'soon' }, 'lock-timeout'],
    [{ 'connect-timeout': '10x' }, 'connect-timeout'],
    [{ mode: 'destroy' }, 'mode'],
    [{ 'private-key': '' }, 'private-key'],
    [{ 'private-key': '/home/me/.ssh/id_ed25519' }, 'private-key'],
    [{ 'host-fingerprint': 'MD5:aa:bb' }, 'host-fingerprint'],
    [{ 'host-fingerprint': '', 'known-hosts': '' }, 'known-hosts'],
    [{ 'trust-on-first-use': 'maybe' }, 'trust-on-first-use'],
    [{ workers: '0' }, 'workers'],
    [{ 'keep-releases': '1' }, 'keep-releases'],
    [{ env: 'not a pair' }, 'env'],
    [{ env: 'FLASK_DEBUG=1' }, 'env'],
    [{ 'wsgi-app': 'app; rm -rf /' }, 'wsgi-app'],
    [{ requirements: '../../etc/passwd' }, 'requirements'],
    [{ 'sqlite-db': '/var/db.sqlite' }, 'sqlite-db'],
    [{ 'health-path': 'health' }, 'health-path'],
    [{ 'rollback-to': '../x' }, 'rollback-to'],
    [{ user: 'Root Admin' }, 'user']
  ])('%j is rejected naming the input', (over, input) => {
    const p = problems(over as Record<string, string>);
    expect(p.length).toBeGreaterThanOrEqual(1);
    expect(p.some((line) => line.startsWith(`input \`${input}\``))).toBe(true);
  });

  test('every problem is reported at once, one line each', () => {
    const p = problems({ 'app-name': 'X', port: '0', 'health-timeout': 'never', mode: 'nope' });
    expect(p).toHaveLength(4);
    const err = (() => {
      try {
        parseSettings(reader({ 'app-name': 'X', port: '0' }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/nothing was changed on any server/);
  });

  test('a private key never appears in an error message', () => {
    const p = problems({ 'private-key': 'hunter2-secret-not-a-key' });
    expect(p.join('\n')).not.toContain('hunter2');
  });

  test('github: the token and environment-url trimmed, environment from action.yml by default', () => {
    expect(parseSettings(reader({})).github).toEqual({
      token: '',
      environment: 'production',
      environmentUrl: ''
    });
    expect(
      parseSettings(
        reader({ 'github-token': ' tok ', environment: 'staging', 'environment-url': ' https://x.example ' })
      ).github
    ).toEqual({ token: 'tok', environment: 'staging', environmentUrl: 'https://x.example' });
  });

  test('durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('x')).toBeNaN();
  });

  test('env lines keep values verbatim (= inside values, spaces)', () => {
    const s = parseSettings(
      reader({ env: 'A=1\n# comment\n\nDSN=postgres://u:p@h/db?x=1\nMSG= hello world' })
    );
    expect(s.deploy.env).toEqual([
      { key: 'A', value: '1' },
      { key: 'DSN', value: 'postgres://u:p@h/db?x=1' },
      { key: 'MSG', value: ' hello world' }
    ]);
  });

  test("action.yml's defaults are the engine's defaults, and every input the engine reads is declared", () => {
    const inputs = readActionInputs(process.cwd());
    const declared = new Map(inputs.map((i) => [i.name, i]));
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) {
      expect(declared.get(name)?.default).toBe(value);
    }
    // Both ways: no default of action.yml is missing from the engine's.
    for (const i of inputs)
      if (i.default !== undefined) expect([i.name, INPUT_DEFAULTS[i.name]]).toEqual([i.name, i.default]);
    const read = new Set<string>();
    parseSettings((n) => {
      read.add(n);
      return reader({})(n);
    });
    for (const name of read) expect(declared.has(name)).toBe(true);
    for (const i of inputs) expect(i.description.length).toBeGreaterThan(10);
  });

  test('src/settings/defaults.ts is what scripts/input-defaults.mjs makes of action.yml (not stale)', async () => {
    const { renderDefaults } = (await import(
      // @ts-expect-error: a plain JavaScript script, without types
      '../../scripts/input-defaults.mjs'
    )) as { renderDefaults: (yml: string) => string };
    expect(readFileSync('src/settings/defaults.ts', 'utf8')).toBe(
      renderDefaults(readFileSync('action.yml', 'utf8'))
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['scripts/input-defaults.mjs', '--check']);
    expect(stdout).toContain('up to date');
  });
});

describe('booleans mean the same in every input', () => {
  const inputs = readActionInputs().map((i) => i.name);
  const notBoolean = (name: string, v: string): string[] =>
    problems({ [name]: v }).filter((p) => p.startsWith(`input \`${name}\`: must be true or false`));
  // Found by what the parse says, not by a list: every input that refuses `maybe` as a boolean.
  const booleans = inputs.filter((n) => notBoolean(n, 'maybe').length > 0);

  test('every input defaulting to true or false is read as a boolean', () => {
    const byDefault = inputs.filter((n) => INPUT_DEFAULTS[n] === 'true' || INPUT_DEFAULTS[n] === 'false');
    expect(byDefault.length).toBeGreaterThan(5);
    expect(booleans).toEqual(expect.arrayContaining(byDefault));
  });

  test.each(['yes', '1', 'True', 'TRUE', 'no', '0', 'False'])('every boolean input takes %s', (v) => {
    expect(booleans.flatMap((n) => notBoolean(n, v))).toEqual([]);
  });
});
