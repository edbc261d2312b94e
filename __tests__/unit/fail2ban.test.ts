import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { provisionPackages } from '../../src/provision/packages.js';
import {
  FAIL2BAN,
  fail2banPaths,
  ignoreList,
  renderAppJail,
  renderRequest
} from '../../src/provision/fail2ban.js';
import { DeployError } from '../../src/steps/step.js';

// fail2ban: true's pure parts: the input, the packages, the app's request and its rate-limit jail.
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'my-shop',
    'trust-on-first-use': 'true',
    mode: 'provision',
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function ctxFor(s: Settings): DeployContext {
  return {
    remote: {} as Remote,
    settings: s,
    logger: memoryLogger(),
    label: 'h',
    records: [],
    paths: appLayout(s),
    facts: {}
  };
}

test('fail2ban is off by default; a bad value is refused naming the input', () => {
  expect(settings().provision.edge.fail2ban).toBe(false);
  expect(settings({ fail2ban: 'yes' }).provision.edge.fail2ban).toBe(true);
  let problems: string[] = [];
  try {
    settings({ fail2ban: 'maybe' });
  } catch (err) {
    if (err instanceof SettingsError) problems = err.problems;
  }
  expect(problems).toEqual([expect.stringMatching(/^input `fail2ban`: /)]);
});

test("provision installs fail2ban with python3-systemd (the sshd jail's journal reader) and nftables", () => {
  expect(provisionPackages(settings({ fail2ban: 'true' }))).toEqual(
    expect.arrayContaining(['fail2ban', 'python3-systemd', 'nftables'])
  );
  expect(provisionPackages(settings())).not.toContain('fail2ban');
});

test("the request holds the SSH port and the addresses never banned: the run's own and ssh-allow-from", () => {
  const ignore = ignoreList('::ffff:203.0.113.9', ['198.51.100.0/24', '203.0.113.9']);
  expect(ignore).toEqual(['203.0.113.9', '198.51.100.0/24']);
  expect(renderRequest('my-shop', 2222, ignore).split('\n').slice(1)).toEqual([
    'ssh-port 2222',
    'ignore 203.0.113.9',
    'ignore 198.51.100.0/24'
  ]);
  // Only plain addresses reach the server's file.
  expect(() => renderRequest('my-shop', 22, ['10.0.0.1/8 ; x'])).toThrow(/internal error/);
  expect(() => ignoreList('not-an-address', [])).toThrow(DeployError);
});

test("the app's rate-limit jail reads nginx's error log for the app's own zones, never a file of the app's", () => {
  expect(renderAppJail(ctxFor(settings({ fail2ban: 'true' })))).toBe('');
  const ctx = ctxFor(settings({ fail2ban: 'true', 'rate-limit': '/login 5r/m\n/api/ 10r/s burst=20' }));
  const jail = renderAppJail(ctx);
  expect(fail2banPaths('my-shop')).toEqual({
    request: '/etc/gunicorn-deploy/fail2ban.d/my-shop.conf',
    jail: '/etc/fail2ban/jail.d/gunicorn-deploy-my-shop.local',
    jailName: 'my-shop-rate-limit'
  });
  expect(jail).toContain('[my-shop-rate-limit]');
  expect(jail).toContain('filter = nginx-limit-req[ngx_limit_req_zones="gd_my_shop_0|gd_my_shop_1"]');
  expect(jail).toContain(`logpath = ${FAIL2BAN.nginxErrorLog}`);
  expect(jail).toContain('ignoreip = %(sshd/ignoreip)s');
  expect(jail).toContain('banaction = nftables');
  expect(jail).not.toContain(ctx.paths.logDir);
});
