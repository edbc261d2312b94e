import { parsePreflight, preflightScript } from '../../src/modes/preflight.js';
import { parseSettings } from '../../src/settings.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string> = {}): ReturnType<typeof parseSettings> {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
    mode: 'preflight',
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

const READY = [
  'os=Debian GNU/Linux 13 (trixie)',
  'sudo=yes',
  'pid1=systemd',
  'systemd_version=257',
  'python=3.13.5',
  'venv=yes',
  'missing=',
  'free_mb=80000',
  'need_mb=500',
  'disk_dir=/srv',
  'taken=',
  'provisioned=no'
];

const out = (over: Record<string, string>): string =>
  READY.map((l) => {
    const k = l.slice(0, l.indexOf('='));
    return k in over ? `${k}=${over[k]}` : l;
  }).join('\n');

test('a ready server is usable', () => {
  const r = parsePreflight(out({}), settings());
  expect(r.problems).toEqual([]);
  expect(r.facts).toMatchObject({
    usable: 'yes',
    packages: 'ok',
    systemd: 'yes',
    'app-name': 'free or ours'
  });
});

test.each([
  [{ venv: 'no' }, 'apt-get install -y python3-venv', false],
  [{ venv: 'no', missing: ' sqlite3 curl' }, 'apt-get install -y python3-venv sqlite3 curl', false],
  [{ missing: ' util-linux tar' }, 'apt-get install -y util-linux tar', false],
  [{ python: '', venv: 'no' }, 'apt-get install -y python3 python3-venv', false]
])('%j: usable no, naming the apt command; provision may go on', (over, apt, host) => {
  const r = parsePreflight(out(over), settings());
  expect(r.facts.usable).toBe('no');
  expect(r.facts.packages).toBe(`missing: ${apt}`);
  expect(r.problems.join('\n')).toContain(`run \`sudo ${apt}\``);
  expect(r.hostProblems.length > 0).toBe(host);
});

test('python3.11 as the interpreter: its own venv package', () => {
  const r = parsePreflight(out({ python: '3.11.2', venv: 'no' }), settings({ python: 'python3.11' }));
  expect(r.facts.packages).toBe('missing: apt-get install -y python3.11-venv');
});

test.each([
  [{ systemd_version: '241' }, /systemd 241 is older than 247/],
  [{ free_mb: '40', need_mb: '100', disk_dir: '/srv/tiny' }, /only 40 MB free .*min-free-space needs 100 MB/],
  [{ taken: 'user shop (uid 1001, home /home/shop); group shop' }, /app-name `shop` is taken .*user shop/],
  [{ sudo: 'no' }, /no passwordless sudo/]
])('%j is a problem provision cannot fix either', (over, says) => {
  const r = parsePreflight(out(over), settings());
  expect(r.facts.usable).toBe('no');
  expect(r.hostProblems.join('\n')).toMatch(says);
});

test('the script probes sqlite3 only with sqlite-db, and always curl, flock, tar, sudo', () => {
  // preflight.sh probes each CMD:PACKAGE of its `tools` value with command -v.
  const tools = (script: string): string | undefined => /^tools='([^']*)'$/m.exec(script)?.[1];
  const without = preflightScript(settings());
  expect(without).toMatch(/^# preflight\.sh$/m);
  expect(without).toContain(
    'for t in $tools; do command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"; done'
  );
  expect(tools(without)).toBe('curl:curl flock:util-linux tar:tar sudo:sudo');
  expect(tools(preflightScript(settings({ 'sqlite-db': 'instance/app.db' })))).toBe(
    'curl:curl flock:util-linux tar:tar sudo:sudo sqlite3:sqlite3'
  );
});
