import {
  BARE_PACKAGES,
  READY_PACKAGES,
  rootfsKey,
  sandboxPaths,
  slotAddresses,
  validateName,
  vethName
} from '../../src/sandbox/config.js';

describe('sandbox names', () => {
  test.each(['a', 'sb-1', 'web-2', 'a234567890123456'])('accepts %s', (n) => {
    expect(validateName(n)).toBe(n);
  });

  test.each(['', '1abc', 'Web', 'a_b', 'a.b', '-a', 'a2345678901234567', 'a b', '../x'])(
    'rejects %j',
    (n) => {
      expect(() => validateName(n)).toThrow(/invalid sandbox name/);
    }
  );
});

describe('rootfs cache key', () => {
  test('names suite and flavour, and is stable', () => {
    expect(rootfsKey('trixie', false)).toMatch(/^trixie-ready-[0-9a-f]{12}$/);
    expect(rootfsKey('trixie', true)).toMatch(/^trixie-bare-[0-9a-f]{12}$/);
    expect(rootfsKey('trixie', false)).toBe(rootfsKey('trixie', false));
  });

  test('changes with the suite and with the package list', () => {
    expect(rootfsKey('bookworm', false).slice(-12)).not.toBe(rootfsKey('trixie', false).slice(-12));
    expect(rootfsKey('trixie', false, [...READY_PACKAGES, 'git'])).not.toBe(rootfsKey('trixie', false));
    expect(rootfsKey('trixie', true, BARE_PACKAGES)).toBe(rootfsKey('trixie', true));
  });
});

describe('addresses', () => {
  test('one /24 per slot, host .1 and guest .2', () => {
    expect(slotAddresses(3)).toEqual({ host: '10.213.3.1', guest: '10.213.3.2', cidr: '10.213.3.0/24' });
    expect(() => slotAddresses(0)).toThrow();
    expect(() => slotAddresses(251)).toThrow();
  });

  test('host-side interface names fit the 15-character limit', () => {
    expect(vethName(250).length).toBeLessThanOrEqual(15);
  });
});

describe('paths', () => {
  test('defaults keep disk-backed data out of /run and honour overrides', () => {
    expect(sandboxPaths({})).toEqual({
      state: '/run/gunicorn-deploy/sandbox',
      disk: '/var/lib/gunicorn-deploy/sandbox',
      cache: '/var/cache/gunicorn-deploy/rootfs'
    });
    expect(sandboxPaths({ GUNICORN_DEPLOY_SANDBOX_DIR: '/tmp/s' }).state).toBe('/tmp/s');
  });
});
