import { parseSettings, SettingsError } from '../../src/settings.js';
import { provisionPackages } from '../../src/provision/packages.js';
import { servicesScript } from '../../src/provision/services.js';
import { appLayout } from '../../src/deploy/paths.js';
import type { DeployContext } from '../../src/deploy/context.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string>) {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

test('services: redis installs redis-server and gives the app REDIS_URL, unless env sets it', () => {
  const s = settings({ services: 'redis' });
  expect(s.provision.services).toEqual(['redis']);
  expect(provisionPackages(s)).toContain('redis-server');
  expect(s.deploy.env).toContainEqual({
    key: 'REDIS_URL',
    value: 'unix:///run/redis/redis-server.sock?db=0'
  });
  const own = settings({ services: 'redis', env: 'REDIS_URL=redis://cache.internal:6379/2' });
  expect(own.deploy.env.filter((e) => e.key === 'REDIS_URL')).toEqual([
    { key: 'REDIS_URL', value: 'redis://cache.internal:6379/2' }
  ]);
  expect(provisionPackages(settings({}))).not.toContain('redis-server');
  expect(settings({}).deploy.env.some((e) => e.key === 'REDIS_URL')).toBe(false);
});

test('an unknown service is refused before any connection', () => {
  let problems: string[] = [];
  try {
    settings({ services: 'redis memcached' });
  } catch (err) {
    if (err instanceof SettingsError) problems = err.problems;
  }
  expect(problems).toEqual(["input `services`: 'memcached' is not a service this tool provides (redis)"]);
});

test('Redis gets no TCP port, a socket for group redis, and the app user in that group', () => {
  const s = settings({ services: 'redis' });
  const ctx = { settings: s, paths: appLayout(s) } as unknown as DeployContext;
  const script = servicesScript(ctx);
  expect(script).toContain('# redis.sh\n');
  expect(script).toContain(
    "\nuser='shop'\nours='/etc/gunicorn-deploy/redis.conf'\nconf='/etc/redis/redis.conf'\n"
  );
  expect(script).toContain('grep -qxF "include $ours" "$conf"');
  expect(script).toContain('usermod -aG redis "$user"');
  expect(script).toContain("\nsocket='/run/redis/redis-server.sock'\n");
  expect(script).toContain('redis-cli -s "$socket" ping');
  expect(servicesScript({ settings: settings({}), paths: appLayout(s) } as unknown as DeployContext)).toBe(
    ''
  );
});
