import { execFileSync } from 'node:child_process';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { secretValues } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { parseFirewallAllow } from '../../src/rules.js';
import {
  applyScript,
  confirmScript,
  firewallFiles,
  mergePorts,
  parseFirewallState,
  readScript,
  removeScript,
  renderFirewall,
  renderFirewallUnit
} from '../../src/provision/firewall.js';
import {
  appRequest,
  parseLegacyRules,
  parseRequest,
  renderRequest
} from '../../src/provision/firewall-rules.js';
import { findClash } from '../../src/provision/claims.js';
import { sshSourcesWithRun } from '../../src/provision/firewall-ssh.js';
import { alertFiles, alertsScript, ALERT_SCRIPT } from '../../src/provision/alerts.js';
import { prelude, REPORT } from '../../src/provision/shell.js';
import { provisionPackages } from '../../src/provision/packages.js';
import { renderHealthUnits, renderDbMaintenanceUnits } from '../../src/render.js';
import { provisionVars } from '../../src/provision/vars.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const HOOK = 'https://hooks.example.com/services/T000/B000/SECRETTOKEN123';

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'my-shop',
    'trust-on-first-use': 'true',
    mode: 'provision',
    'sqlite-db': 'instance/app.db',
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function problems(over: Record<string, string>): string[] {
  try {
    settings(over);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
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

function syntaxOk(script: string): void {
  execFileSync('bash', ['-n'], { input: `set -euo pipefail\n${prelude(false)}\n${script}\n${REPORT}\n` });
}

describe('edge inputs', () => {
  test('firewall-allow: ports, ranges, udp/ and tcp/', () => {
    expect(parseFirewallAllow('8080, 60000-61000\nudp/53 tcp/9000')).toEqual([
      { proto: 'tcp', from: 8080, to: 8080 },
      { proto: 'tcp', from: 60000, to: 61000 },
      { proto: 'udp', from: 53, to: 53 },
      { proto: 'tcp', from: 9000, to: 9000 }
    ]);
    expect(parseFirewallAllow('')).toEqual([]);
    for (const bad of ['0', '70000', '90-80', 'sctp/5', '80;reboot', 'udp/', '1-']) {
      expect(problems({ firewall: 'true', 'firewall-allow': bad })).toEqual([
        expect.stringMatching(/^input `firewall-allow`: each item must be a port/)
      ]);
    }
  });

  test('firewall must be true or false; a webhook must be a plain http(s) URL, never quoted back', () => {
    // A boolean as every other: yes and 1 are true (the one reader, src/settings/inputs.ts).
    expect(settings({ firewall: 'yes' }).provision.edge.firewall).toBe(true);
    expect(problems({ firewall: 'maybe' })).toEqual([
      expect.stringMatching(/^input `firewall`: must be true or false/)
    ]);
    for (const bad of [
      'ftp://x/y',
      'https://x/a b',
      'https://x/"q',
      'https://x/a\\b',
      'hooks.example.com/x'
    ]) {
      const p = problems({ 'alert-webhook': bad });
      expect(p).toEqual([expect.stringMatching(/^input `alert-webhook`: must/)]);
      expect(p[0]).not.toContain(bad);
    }
    const s = settings({ firewall: 'true', 'firewall-allow': 'udp/53', 'alert-webhook': HOOK });
    expect(s.provision.edge).toEqual({
      firewall: true,
      firewallAllow: [{ proto: 'udp', from: 53, to: 53 }],
      sshAllowFrom: [],
      alertWebhook: HOOK,
      fail2ban: false
    });
  });

  test('the webhook URL is registered as a secret', () => {
    expect(secretValues(settings({ 'alert-webhook': HOOK }))).toContain(HOOK);
  });

  test('firewall: true installs nftables with the packages', () => {
    expect(provisionPackages(settings({ firewall: 'true' }))).toContain('nftables');
    expect(provisionPackages(settings())).not.toContain('nftables');
  });
});

describe('firewall', () => {
  test('ports merged and sorted (nft refuses overlapping set elements)', () => {
    const ports = [
      { proto: 'tcp' as const, from: 443, to: 443 },
      { proto: 'tcp' as const, from: 80, to: 90 },
      { proto: 'tcp' as const, from: 85, to: 85 },
      { proto: 'tcp' as const, from: 91, to: 95 },
      { proto: 'udp' as const, from: 53, to: 53 }
    ];
    expect(mergePorts(ports, 'tcp')).toEqual(['80-95', '443']);
    expect(mergePorts(ports, 'udp')).toEqual(['53']);
  });

  test("one table for the server, replaced atomically; the union of every app's request", () => {
    const requests = new Map([
      [
        'my-shop',
        appRequest(2222, [
          { proto: 'tcp', from: 8080, to: 8080 },
          { proto: 'udp', from: 53, to: 53 }
        ])
      ],
      ['blog', appRequest(22, [{ proto: 'tcp', from: 9000, to: 9001 }])]
    ]);
    const text = renderFirewall(requests);
    expect(text).not.toMatch(/flush ruleset/);
    expect(text).toContain('table inet gunicorn_deploy\ndelete table inet gunicorn_deploy\n');
    expect(text).toContain('policy drop;');
    expect(text).toContain('ct state { established, related } accept');
    expect(text).toContain('iif "lo" accept');
    expect(text).toMatch(
      /icmpv6 type \{[^}]*nd-neighbor-solicit[^}]*packet-too-big|packet-too-big[^}]*nd-neighbor-solicit/
    );
    expect(text).toContain('tcp dport { 22, 80, 443, 2222, 8080, 9000-9001 } accept');
    expect(text).toContain('udp dport { 53 } accept');
    expect(text).toContain('#   blog: tcp/22 tcp/80 tcp/443 tcp/9000-9001');
    // Only one table is named anywhere: nothing else of the ruleset is touched.
    expect(new Set(text.match(/table inet \S+/g))).toEqual(new Set(['table inet gunicorn_deploy']));
    expect(renderFirewall(new Map([['shop', appRequest(22, [])]]))).not.toContain('udp dport {');
  });

  test('a request file round-trips; an earlier per-app ruleset becomes a request', () => {
    const ports = appRequest(22, [
      { proto: 'tcp', from: 8000, to: 8010 },
      { proto: 'udp', from: 53, to: 53 }
    ]);
    expect(parseRequest(renderRequest('shop', ports))).toEqual(ports);
    expect(
      parseLegacyRules('    tcp dport { 22, 80, 443, 8081 } accept\n    udp dport { 53 } accept\n')
    ).toEqual([
      ...[22, 80, 443, 8081].map((p) => ({ proto: 'tcp', from: p, to: p })),
      { proto: 'udp', from: 53, to: 53 }
    ]);
    const state = parseFirewallState(
      'req blog tcp 22\nreq blog tcp 9000-9001\nreq shop tcp 1\nlegacy old-app\nlegacyrule old-app tcp dport { 22, 8443 } accept\ndigest=abc\n',
      'shop'
    );
    expect([...state.others.keys()]).toEqual(['blog', 'old-app']);
    expect(state.others.get('old-app')).toEqual([
      { proto: 'tcp', from: 22, to: 22 },
      { proto: 'tcp', from: 8443, to: 8443 }
    ]);
    expect(state.legacy).toEqual(['old-app']);
    // The shared table's own unit looks like a per-app one (gunicorn-deploy-firewall.service): never migrated.
    expect(parseFirewallState('legacy gunicorn-deploy\ndigest=x\n', 'shop').legacy).toEqual([]);
    const read = readScript('shop');
    expect(read).toContain('# firewall_read.sh\n');
    expect(read).toContain("unit_file='/etc/systemd/system/gunicorn-deploy-firewall.service'");
    expect(read).toContain("own_request='/etc/gunicorn-deploy/firewall.d/shop.ports'");
    expect(state.digest).toBe('abc');
  });

  test('ssh-allow-from: SSH only from the sources, unless another app lets its port in from anywhere', () => {
    const shop = appRequest(22, [], ['203.0.113.7', '198.51.100.0/24', '2001:db8::/32']);
    expect(parseRequest(renderRequest('shop', shop))).toEqual(shop);
    expect(renderRequest('shop', shop)).toContain('tcp 22 from 203.0.113.7 198.51.100.0/24 2001:db8::/32\n');
    const text = renderFirewall(new Map([['shop', shop]]));
    expect(text).toContain('tcp dport { 80, 443 } accept\n');
    expect(text).toContain('    ip saddr 198.51.100.0/24 tcp dport 22 accept\n');
    expect(text).toContain('    ip saddr 203.0.113.7 tcp dport 22 accept\n');
    expect(text).toContain('    ip6 saddr 2001:db8::/32 tcp dport 22 accept\n');
    // The union: blog lets SSH in from anywhere, so shop's sources restrict nothing.
    const both = renderFirewall(
      new Map([
        ['shop', shop],
        ['blog', appRequest(22, [])]
      ])
    );
    expect(both).toContain('tcp dport { 22, 80, 443 } accept');
    expect(both).not.toMatch(/saddr \S+ tcp dport 22/);
    // A source that is not in its plain form makes the line count for nothing (never a wider rule).
    expect(parseRequest('tcp 22 from 10.0.0.5/8\ntcp 80\n')).toEqual([{ proto: 'tcp', from: 80, to: 80 }]);
    expect(parseRequest('tcp 22 from $(id)\n')).toEqual([]);
  });

  test("ssh-allow-from keeps the run's own address, with a notice", () => {
    const logger = memoryLogger();
    const ctx = { logger } as unknown as DeployContext;
    expect(sshSourcesWithRun(ctx, [], '192.0.2.50')).toEqual([]);
    expect(sshSourcesWithRun(ctx, ['192.0.2.0/24'], '192.0.2.50')).toEqual(['192.0.2.0/24']);
    expect(logger.lines.join('\n')).toBe('');
    expect(sshSourcesWithRun(ctx, ['203.0.113.7'], '::ffff:192.0.2.50')).toEqual([
      '203.0.113.7',
      '192.0.2.50'
    ]);
    expect(logger.lines.join('\n')).toMatch(
      /ssh-allow-from does not list 192\.0\.2\.50, the address this run connects from/
    );
    expect(sshSourcesWithRun(ctx, ['2001:db8::/32'], '2001:db8::9')).toEqual(['2001:db8::/32']);
    expect(() => sshSourcesWithRun(ctx, ['203.0.113.7'], 'nonsense')).toThrow(
      /cannot tell the address this run connects from/
    );
  });

  test('the unit loads after nftables.service and with it, and deletes only its table', () => {
    const unit = renderFirewallUnit();
    expect(unit).toMatch(/^# Written by gunicorn-deploy/);
    expect(unit).toContain('After=nftables.service');
    expect(unit).toContain('PartOf=nftables.service');
    expect(unit).toContain('ExecStart=/usr/sbin/nft -f /etc/gunicorn-deploy/firewall.nft');
    expect(unit).toContain('ExecStop=-/usr/sbin/nft delete table inet gunicorn_deploy');
  });

  test('apply arms the revert before loading; confirm stops it; the scripts parse', () => {
    const apply = applyScript('shop', 'abc', ['old-app'], ['old-app']);
    const arm = apply.indexOf('systemd-run --quiet --unit=');
    const load = apply.indexOf('nft -f "$pending"');
    expect(arm).toBeGreaterThan(0);
    expect(load).toBeGreaterThan(arm);
    expect(apply.indexOf('\nfirewall_lock\n')).toBeLessThan(apply.indexOf('$(others_digest)'));
    expect(apply).toContain('--on-active="${revert_after}s"');
    expect(apply).toContain("\nrevert_after='60'\n");
    expect(apply).toContain("\ndigest='abc'\n");
    expect(apply).toContain("\nwrite_requests='/etc/gunicorn-deploy/firewall.d/old-app.ports'\n");
    expect(apply).toContain('nft -c -f "$pending"');
    // The revert script reaches the apply as one quoted value; it puts back the last confirmed rules.
    expect(apply).toMatch(/\nrevert_text='\n# firewall_revert\.sh\n/);
    const files = firewallFiles(new Map([['shop', appRequest(22, [])]]));
    const confirm = confirmScript('shop', files, ['old-app']);
    expect(confirm.indexOf('systemctl stop')).toBeLessThan(confirm.indexOf('# write_files.sh'));
    expect(confirm).toContain(
      "\nlegacy='old-app-firewall.service /etc/systemd/system/old-app-firewall.service /etc/old-app/firewall.nft gunicorn_deploy_old_app'\n"
    );
    for (const s of [apply, confirm, removeScript('shop', []), readScript('shop')]) syntaxOk(s);
  });
});

describe('alerts', () => {
  test('the URL reaches the server only on stdin: never in the script', () => {
    const ctx = ctxFor(settings({ 'alert-webhook': HOOK }));
    const script = alertsScript(ctx);
    expect(script).not.toContain('SECRETTOKEN123');
    expect(script).not.toContain(Buffer.from(`${HOOK}\n`).toString('base64'));
    syntaxOk(script);
  });

  test('the script and its OnFailure= unit; the templates call the script by its path', () => {
    const ctx = ctxFor(settings());
    const [script, unit] = alertFiles(ctx);
    expect(script!.path).toBe(ALERT_SCRIPT);
    execFileSync('bash', ['-n'], { input: script!.content });
    expect(script!.content).toContain('curl --globoff --config -');
    expect(script!.content).toMatch(/--max-time 10 --retry 3/);
    expect(unit!.path).toBe('/etc/systemd/system/my-shop-alert@.service');
    expect(unit!.content).toContain(`ExecStart=${ALERT_SCRIPT} --unit-failed my-shop %i`);
    const vars = provisionVars(ctx);
    const health = renderHealthUnits(vars).script.content;
    expect(health).toContain(`${ALERT_SCRIPT} 'my-shop' "$1" "$2"`);
    execFileSync('bash', ['-n'], { input: health });
    const db = renderDbMaintenanceUnits(vars).service.content;
    expect(db).toContain('OnFailure=my-shop-alert@%N.service');
  });
});

describe('several apps on one server', () => {
  test('a server-name another app serves is found, case-insensitively; _ is a claim too', () => {
    const out = 'claim shop shop.test\nclaim shop www.shop.test\nclaim blog _\n';
    expect(findClash(out, ['WWW.Shop.test'])).toEqual({ app: 'shop', name: 'www.shop.test' });
    expect(findClash(out, ['_'])).toEqual({ app: 'blog', name: '_' });
    expect(findClash(out, ['wiki.test'])).toBeUndefined();
  });

  test('mode remove needs remove-confirm equal to app-name', () => {
    expect(problems({ mode: 'remove' })).toEqual([
      "input `remove-confirm`: must be the app's name (my-shop) to remove it from the servers, got ''"
    ]);
    expect(problems({ mode: 'remove', 'remove-confirm': 'my-shop' })).toEqual([]);
    expect(settings({ mode: 'remove', 'remove-confirm': 'my-shop', 'remove-data': 'true' }).remove).toEqual({
      data: true,
      certificate: false
    });
  });
});
