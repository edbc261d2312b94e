import { parseSettings, SettingsError } from '../../src/settings.js';
import { renderTemplate, templateVars } from '../../src/render.js';
import { parseDiskFloor } from '../../src/rules.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const FP = 'SHA256:' + 'A'.repeat(43);

function parse(over: Record<string, string>): ReturnType<typeof parseSettings> {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': FP,
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function problems(over: Record<string, string>): string[] {
  try {
    parse(over);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

/** Refused with exactly one problem, which names the input as the user wrote it. */
function refused(over: Record<string, string>, input: string, says?: RegExp): void {
  const got = problems(over);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatch(new RegExp(`^input \`${input}\`: `));
  if (says) expect(got[0]).toMatch(says);
}

const HOSTILE: [Record<string, string>, string, RegExp?][] = [
  [{ 'wsgi-app': "app:__import__('os').system('id')" }, 'wsgi-app'],
  [{ 'wsgi-app': 'app:create_app(os.system("id"))' }, 'wsgi-app'],
  [{ 'wsgi-app': 'app:create_app().run' }, 'wsgi-app'],
  [{ 'wsgi-app': 'app:make.app()' }, 'wsgi-app'],
  [{ 'wsgi-app': "app:create_app('$HOME')" }, 'wsgi-app'],
  [{ 'wsgi-app': "app:create_app('%h')" }, 'wsgi-app'],
  [{ 'wsgi-app': 'app:app; id' }, 'wsgi-app'],
  [{ 'health-path': '/health$(id)' }, 'health-path'],
  [{ 'health-path': '/health`id`' }, 'health-path'],
  [{ 'health-path': "/health'x" }, 'health-path'],
  [{ 'health-path': 'health' }, 'health-path'],
  [{ 'health-path': '/he alth' }, 'health-path'],
  [{ env: 'PWD=/x' }, 'env', /PWD is set by gunicorn-deploy or systemd/],
  [{ env: 'PATH=/tmp' }, 'env', /PATH/],
  [{ env: 'HOME=/tmp' }, 'env', /HOME/],
  [{ env: 'LISTEN_FDS=3' }, 'env', /LISTEN_FDS/],
  [{ env: 'LISTEN_ANYTHING=3' }, 'env', /LISTEN_ANYTHING/],
  [{ env: 'NOTIFY_SOCKET=/x' }, 'env', /NOTIFY_SOCKET/],
  [{ env: 'INVOCATION_ID=1' }, 'env', /INVOCATION_ID/],
  [{ env: 'LD_PRELOAD=/tmp/x.so' }, 'env', /LD_PRELOAD/],
  [{ env: 'GUNICORN_CMD_ARGS=--bind=0.0.0.0:80' }, 'env', /GUNICORN_CMD_ARGS/],
  [{ env: 'FLASK_DEBUG=1' }, 'env', /FLASK_DEBUG must stay off/],
  [{ env: 'A=1\nA=2' }, 'env', /A is set twice/],
  [{ env: 'TOKEN=a\rb' }, 'env', /TOKEN: a value cannot contain a newline \(or a carriage return\)/],
  [{ env: 'TOKEN=a\0b' }, 'env', /TOKEN: a value cannot contain NUL/],
  [{ env: 'DATABASE=relative.db' }, 'env', /DATABASE/],
  [{ 'app-dir': '/srv/x;id' }, 'app-dir'],
  [{ 'app-dir': '/srv/x y' }, 'app-dir'],
  [{ 'app-dir': '/srv/$x' }, 'app-dir'],
  [{ 'app-dir': '/etc/.' }, 'app-dir', /\. or \.\. segments/],
  [{ 'app-dir': '/srv/./shop' }, 'app-dir', /\. or \.\. segments/],
  [{ 'app-dir': '/srv/../etc/shop' }, 'app-dir', /\. or \.\. segments/],
  [{ 'app-dir': 'srv/shop' }, 'app-dir'],
  [{ 'sqlite-db': 'instance/my db.sqlite' }, 'sqlite-db'],
  [{ 'sqlite-db': 'instance/./app.db' }, 'sqlite-db'],
  [{ 'shared-paths': 'instance,up loads' }, 'shared-paths'],
  [{ 'health-expect': 'ok\n::set-output' }, 'health-expect'],
  [{ ref: 'main\r::add-mask::x' }, 'ref'],
  [{ 'import-database': '/tmp/a b.db', 'sqlite-db': 'instance/app.db' }, 'import-database']
];

describe('hostile values are refused by parseSettings, naming the input', () => {
  test.each(HOSTILE.map(([o, i, r]) => [o, i, r ?? null] as const))('%j', (over, input, says) => {
    refused(over, input, says ?? undefined);
  });

  test.each([
    '/',
    '/etc',
    '/etc/shop',
    '/etc//shop/',
    '/usr/local/shop',
    '/var/lib/shop',
    '/boot/shop',
    '/proc/shop',
    '/sys/shop',
    '/dev/shm/shop',
    '/root/shop',
    '/bin/shop',
    '/sbin/shop',
    '/lib/shop',
    '/lib64/shop',
    '/run/shop',
    '/tmp/shop',
    '/var/log/shop',
    '/srv',
    '/opt',
    '/var',
    '/var/www',
    '/home',
    '/home/deploy',
    '/home/deploy/shop'
  ])('app-dir %s is a system folder', (dir) => {
    refused({ 'app-dir': dir }, 'app-dir', /system folder/);
  });

  test('app-dir in the home of the login user given by `user`', () => {
    refused({ 'app-dir': '/home/ops/shop', user: 'ops' }, 'app-dir', /\/home\/ops/);
    expect(parse({ 'app-dir': '/home/ops/shop' }).app.dir).toBe('/home/ops/shop');
  });

  test.each(['/srv/shop', '/opt/shop', '/var/www/shop', '/srv/apps/shop-2', '/srv/shop/', '/srv//shop'])(
    'app-dir %s is fine (normalised)',
    (dir) => {
      expect(parse({ 'app-dir': dir }).app.dir).toMatch(/^\/[a-z/]+[a-z0-9-]*[^/]$/);
    }
  );

  test.each([
    'root',
    'daemon',
    'bin',
    'sys',
    'sync',
    'nobody',
    'www-data',
    'ssh',
    'sshd',
    'nginx',
    'cron',
    'dbus',
    'systemd-journald',
    'systemd-resolved',
    'getty',
    'polkit',
    'sudo',
    'adm',
    'staff',
    'users',
    'postgres',
    'mysql',
    'redis',
    'docker',
    'snapd',
    'rsyslog',
    'ufw',
    'nftables',
    'certbot',
    'logrotate',
    'shop-health',
    'shop-build',
    'shop-firewall',
    'shop-alert'
  ])('app-name %s is reserved', (name) => {
    refused({ 'app-name': name }, 'app-name', /is reserved/);
  });

  test('app-name equal to the login user is refused', () => {
    refused({ 'app-name': 'ops', user: 'ops' }, 'app-name', /SSH login user/);
    refused({ 'app-name': 'deploy' }, 'app-name', /SSH login user/);
  });

  test('app-name is at most 26 characters (APP-build must fit useradd)', () => {
    expect(parse({ 'app-name': 'a'.repeat(26) }).app.name).toHaveLength(26);
    refused({ 'app-name': 'a'.repeat(27) }, 'app-name', /at most 26 characters/);
  });

  test.each([
    ['health-timeout', '720h', /at most 30m/],
    ['health-timeout', '31m', /at most 30m/],
    ['lock-timeout', '2h', /at most 1h/],
    ['connect-timeout', '6m', /at most 5m/],
    ['health-interval', '25h', /at most 24h/],
    ['health-timeout', '0s', /positive duration/],
    ['lock-timeout', '99999999999999ms', /at most 1h/]
  ])('%s: %s is refused', (input, value, says) => {
    refused({ [input]: value }, input, says);
  });

  test('the limits themselves are accepted', () => {
    const s = parse({
      'health-timeout': '30m',
      'lock-timeout': '1h',
      'connect-timeout': '5m',
      'health-interval': '24h'
    });
    expect(s.deploy.healthTimeoutMs).toBe(30 * 60_000);
    expect(s.deploy.lockTimeoutMs).toBe(3_600_000);
    expect(s.ssh.connectTimeoutMs).toBe(300_000);
    expect(s.provision.healthIntervalS).toBe(86_400);
  });

  test.each(['lots', '-5MB', '150%', '5TB', '1.5GB'])('min-free-space %s is refused', (v) => {
    refused({ 'min-free-space': v }, 'min-free-space');
  });
});

describe('good values are accepted', () => {
  test.each([
    'app',
    'app:app',
    'pkg.wsgi:application',
    'app:server.wsgi',
    'pkg:create_app()',
    "pkg:create_app('prod')",
    "pkg.web:create_app('prod', debug=False, workers=3, ratio=-0.5, name=None)"
  ])('wsgi-app %s', (v) => {
    expect(parse({ 'wsgi-app': v }).deploy.wsgiApp).toBe(v);
    // render asserts the same rule: what parseSettings accepts, render accepts.
    expect(templateVars({ app: 'shop', wsgiApp: v }).wsgiApp).toBe(v);
  });

  test.each(['/health', '/', '/api/v1/health?deep=1&x=%20y', '/status.json', '/~user/h-1'])(
    'health-path %s',
    (v) => {
      expect(parse({ 'health-path': v }).deploy.healthPath).toBe(v);
      expect(templateVars({ app: 'shop', healthPath: v }).healthPath).toBe(v);
    }
  );

  test('env: CRLF line ends, values with spaces, quotes and $; FLASK_DEBUG=0', () => {
    const s = parse({
      env: 'A=1\r\nMSG= hello "w" $x\r\nFLASK_DEBUG=0\nDATABASE=/srv/shop/shared/db.sqlite'
    });
    expect(s.deploy.env.map((e) => e.key)).toEqual(['A', 'MSG', 'FLASK_DEBUG', 'DATABASE']);
    expect(s.deploy.env[1]!.value).toBe(' hello "w" $x');
  });

  test('min-free-space', () => {
    expect(parse({}).deploy.minFreeSpace).toEqual({ mb: 500, percent: 5 });
    expect(parse({ 'min-free-space': '2GB' }).deploy.minFreeSpace).toEqual({ mb: 2048 });
    expect(parse({ 'min-free-space': '750MB' }).deploy.minFreeSpace).toEqual({ mb: 750 });
    expect(parse({ 'min-free-space': '10%' }).deploy.minFreeSpace).toEqual({ percent: 10 });
    expect(parseDiskFloor('0')).toEqual({ mb: 0 });
  });
});

describe('render only asserts: an unchecked value is an internal error', () => {
  test.each([
    [{ app: 'shop', wsgiApp: "app:__import__('os').system('id')" }, /internal error: invalid wsgiApp/],
    [{ app: 'shop', healthPath: '/health$(id)' }, /internal error: invalid healthPath/],
    [{ app: 'shop', env: [{ key: 'PWD', value: '/x' }] }, /internal error: invalid env: PWD/],
    [{ app: 'ssh' }, /internal error: invalid app: 'ssh' is reserved/],
    [{ app: 'shop', appDir: '/etc/.' }, /internal error: invalid appDir/]
  ])('%j', (input, says) => {
    expect(() => templateVars(input)).toThrow(says);
  });
});

test('an app factory with arguments stays one word in ExecStart (systemd removes bare quotes)', () => {
  const plain = renderTemplate('systemd/app.service', templateVars({ app: 'shop' }));
  expect(plain).toMatch(/--chdir \/srv\/shop\/current app:app\n/);
  const factory = renderTemplate(
    'systemd/app.service',
    templateVars({ app: 'shop', wsgiApp: "pkg:create_app('prod', debug=False)" })
  );
  expect(factory).toMatch(/--chdir \/srv\/shop\/current "pkg:create_app\('prod', debug=False\)"\n/);
});
