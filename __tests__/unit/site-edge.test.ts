import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { renderSite, siteVars } from '../../src/provision/tls-site.js';
import { parseRateLimit, parseSource, retryAfterSeconds } from '../../src/rules.js';
import { needs } from '../support/needs.js';

// canonical-host, security headers, HSTS's options and rate limits: parsed, rendered, and nginx -t.
const run = promisify(execFile);
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const withTool = (...cmds: string[]): jest.It => needs(cmds.join('+'), cmds.every(has));
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const NAMES = 'shop.example.com www.shop.example.com';

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    mode: 'provision',
    'server-name': NAMES,
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

const site = (over: Record<string, string>, ready = true, version = '1.26.3'): string =>
  renderSite(siteVars(ctxFor(settings(over)), { certificateReady: ready, nginxVersion: version }));

describe('the edge inputs', () => {
  test('canonical-host must be one of server-name, with other full names to redirect', () => {
    expect(settings({ 'canonical-host': 'Shop.Example.com' }).provision.site.canonicalHost).toBe(
      'shop.example.com'
    );
    expect(problems({ 'canonical-host': 'example.org' })).toEqual([
      "input `canonical-host`: must be one of server-name's names (shop.example.com, www.shop.example.com), got 'example.org'"
    ]);
    expect(problems({ 'canonical-host': 'shop.example.com', 'server-name': 'shop.example.com' })[0]).toMatch(
      /^input `canonical-host`: needs server-name to list the other names/
    );
    expect(problems({ 'canonical-host': 'a.test', 'server-name': 'a.test *.a.test' })[0]).toMatch(
      /^input `canonical-host`: needs server-name/
    );
  });

  test('hsts-preload is refused unless HSTS is on with includeSubDomains, naming the input', () => {
    const files = { tls: 'acme', 'acme-email': 'ops@example.com' };
    expect(problems({ ...files, hsts: 'true', 'hsts-preload': 'true' })).toEqual([
      'input `hsts-preload`: needs hsts: true and hsts-subdomains: true (the preload list takes only HSTS with includeSubDomains and a max-age of a year or more)'
    ]);
    expect(problems({ ...files, 'hsts-subdomains': 'true' })).toEqual([
      'input `hsts-subdomains`: needs hsts: true (it is a part of the HSTS header)'
    ]);
    expect(problems({ ...files, hsts: 'true', 'hsts-subdomains': 'yes', 'hsts-preload': '1' })).toEqual([]);
  });

  test('rate-limit lines: PATH RATE [burst=N]; bad ones named, paths limited once, not a static folder', () => {
    expect(parseRateLimit('/login 10r/m')).toEqual({ path: '/login', rate: 10, per: 'm', burst: 0 });
    expect(parseRateLimit('/api/ 5r/s burst=20')).toEqual({ path: '/api/', rate: 5, per: 's', burst: 20 });
    for (const bad of [
      '/login',
      'login 10r/m',
      '/a;b 1r/s',
      '/x 10r/h',
      '/x/../y 1r/s',
      '/x 0r/s',
      '/{ 1r/s'
    ])
      expect(typeof parseRateLimit(bad)).toBe('string');
    expect(retryAfterSeconds({ path: '/', rate: 10, per: 'm', burst: 0 })).toBe(6);
    expect(retryAfterSeconds({ path: '/', rate: 7, per: 's', burst: 0 })).toBe(1);
    expect(
      settings({ 'rate-limit': '/login 10r/m\n/api/ 5r/s burst=20' }).provision.site.rateLimits
    ).toHaveLength(2);
    expect(problems({ 'rate-limit': '/login 10r/m, /login 1r/s' })).toEqual([
      'input `rate-limit`: /login is limited twice'
    ]);
    expect(problems({ 'rate-limit': '/media/ 1r/s', static: '/media/=shared/media' })[0]).toMatch(
      /^input `rate-limit`: \/media\/ is served by static/
    );
    expect(problems({ 'rate-limit': '/login ten' })[0]).toMatch(
      /^input `rate-limit`: each line must be PATH RATE/
    );
  });

  test('ssh-allow-from: addresses and CIDR blocks, with firewall: true', () => {
    expect(
      settings({
        firewall: 'true',
        'ssh-allow-from': '203.0.113.7, 198.51.100.0/24\n2001:DB8::/32 ::ffff:192.0.2.1'
      }).provision.edge.sshAllowFrom
    ).toEqual(['203.0.113.7', '198.51.100.0/24', '2001:db8::/32', '192.0.2.1']);
    expect(problems({ 'ssh-allow-from': '203.0.113.7' })).toEqual([
      'input `ssh-allow-from`: needs firewall: true (the firewall is what drops SSH from elsewhere)'
    ]);
    for (const bad of ['example.com', '10.0.0.1/33', '10.0.0.5/8', '1.2.3', '$(id)'])
      expect(problems({ firewall: 'true', 'ssh-allow-from': bad })[0]).toMatch(/^input `ssh-allow-from`: '/);
    expect(parseSource('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 4 });
  });
});

describe('the site with the edge options', () => {
  test('security headers by default, each unless the app sent its own; off with security-headers: false', () => {
    const text = site({});
    expect(text).toContain(
      "map $upstream_http_x_frame_options $gd_shop_xfo {\n    '' SAMEORIGIN;\n    default '';\n}"
    );
    expect(text).toContain('add_header X-Content-Type-Options $gd_shop_xcto always;');
    expect(text).toContain('add_header Content-Security-Policy $gd_shop_csp always;');
    expect(text).toContain('add_header Referrer-Policy $gd_shop_referrer always;');
    const off = site({ 'security-headers': 'false' });
    expect(off).not.toMatch(/X-Frame|Referrer|\$gd_shop_/);
  });

  test('canonical-host over HTTP: the other names get one 301 to it, challenges kept', () => {
    const text = site({ 'canonical-host': 'shop.example.com' });
    expect(text).toMatch(
      /server_name www\.shop\.example\.com;\n\n    location \/ \{\n[^}]*return 301 http:\/\/shop\.example\.com\$request_uri;/
    );
    expect(text).toContain('    server_name shop.example.com;\n    client_max_body_size');
    const acme = site(
      { 'canonical-host': 'shop.example.com', tls: 'acme', 'acme-email': 'ops@example.com' },
      false
    );
    expect(acme.match(/acme-challenge/g)).toHaveLength(2);
  });

  test('canonical-host over HTTPS: HTTP goes straight to the canonical https URL, the other names too', () => {
    const text = site({
      'canonical-host': 'www.shop.example.com',
      tls: 'acme',
      'acme-email': 'ops@example.com',
      hsts: 'true',
      'hsts-subdomains': 'true',
      'hsts-preload': 'true'
    });
    expect(text).toContain('return 301 https://www.shop.example.com$request_uri;\n    }');
    expect(text).toMatch(
      /server_name shop\.example\.com;\n[^}]*return 301 https:\/\/www\.shop\.example\.com\$request_uri;/
    );
    expect(text).toContain(
      'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload" always;'
    );
    expect(text.match(/listen 443 ssl;/g)).toHaveLength(2);
  });

  test('rate-limit: a zone per path, 429 with Retry-After, / limited in the site location itself', () => {
    const text = site({ 'rate-limit': '/login 10r/m\n/ 50r/s burst=100' });
    expect(text).toContain('limit_req_zone $binary_remote_addr zone=gd_shop_0:10m rate=10r/m;');
    expect(text).toMatch(
      /location \/login \{\n\s+limit_req zone=gd_shop_0;\n\s+limit_req_status 429;\n\s+error_page 429 @gd_shop_0_429;\n\s+proxy_pass/
    );
    expect(text).toMatch(/location @gd_shop_0_429 \{[^}]*add_header Retry-After 6 always;\n\s+return 429;/);
    expect(text).toMatch(/location \/ \{\n\s+limit_req zone=gd_shop_1 burst=100 nodelay;/);
    expect(text.match(/location \/ \{/g)).toHaveLength(1);
  });

  withTool('nginx', 'openssl')('nginx -t accepts every combination', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gd-site-edge-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '30',
          '-subj',
          '/CN=shop.example.com',
          '-addext',
          'subjectAltName=DNS:shop.example.com,DNS:www.shop.example.com',
          '-keyout',
          path.join(dir, 'a.key'),
          '-out',
          path.join(dir, 'a.pem')
        ],
        { stdio: 'pipe' }
      );
      const cert = readFileSync(path.join(dir, 'a.pem'), 'utf8');
      const key = readFileSync(path.join(dir, 'a.key'), 'utf8');
      const version = /nginx\/([0-9.]+)/.exec(spawnSync('nginx', ['-v']).stderr.toString())![1]!;
      const all = {
        'canonical-host': 'shop.example.com',
        'rate-limit': '/login 10r/m\n/ 50r/s burst=100',
        static: '/media/=shared/media, /assets/=assets'
      };
      const cases: [Record<string, string>, boolean][] = [
        [all, false],
        [{ ...all, 'security-headers': 'false' }, false],
        [
          {
            ...all,
            tls: 'files',
            'tls-certificate': cert,
            'tls-key': key,
            hsts: 'true',
            'hsts-subdomains': 'true'
          },
          true
        ],
        [{ ...all, tls: 'acme', 'acme-email': 'ops@example.com' }, false]
      ];
      for (const [over, ready] of cases) {
        const text = site(over, ready, version)
          .replace(/ssl_certificate \S+;/g, `ssl_certificate ${dir}/a.pem;`)
          .replace(/ssl_certificate_key \S+;/g, `ssl_certificate_key ${dir}/a.key;`)
          .replace(/include \/etc\/nginx\/gunicorn-deploy\/\S+;/, '');
        writeFileSync(path.join(dir, 'site.conf'), text);
        const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
          .map((t) => `${t}_temp_path ${dir}/${t};`)
          .join(' ');
        writeFileSync(
          path.join(dir, 'nginx.conf'),
          `pid ${dir}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n access_log off;\n ${temp}\n include ${dir}/site.conf;\n}\n`
        );
        await expect(
          run('nginx', ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf')])
        ).resolves.toBeDefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
