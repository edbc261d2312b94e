import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { secretValues } from '../../src/engine.js';
import { filesInput, prelude, REPORT } from '../../src/provision/shell.js';
import { acmeFiles, acmeScript, keyScript } from '../../src/provision/tls.js';
import { callsOf, fakeBin } from '../support/fake-bin.js';
import { http2Style, renderSite, siteVars } from '../../src/provision/tls-site.js';
import { certificateKeyProblem, LETS_ENCRYPT } from '../../src/settings/tls.js';
import { needs } from '../support/needs.js';

const run = promisify(execFile);
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const withTool = (...cmds: string[]): jest.It => needs(cmds.join('+'), cmds.every(has));
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

/** A self-signed pair made by openssl (an expired one is tested by moving `now` instead). */
function pair(dir: string, name: string, days = 30): { cert: string; key: string } {
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
      String(days),
      '-subj',
      '/CN=shop.example.com',
      // Every server-name of the settings below (tls: files refuses a certificate missing one).
      '-addext',
      'subjectAltName=DNS:shop.example.com,DNS:www.shop.example.com',
      '-keyout',
      path.join(dir, `${name}.key`),
      '-out',
      path.join(dir, `${name}.pem`)
    ],
    { stdio: 'pipe' }
  );
  return {
    cert: readFileSync(path.join(dir, `${name}.pem`), 'utf8'),
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8')
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'gd-tls-unit-'));
const A = pair(dir, 'a');
const B = pair(dir, 'b');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    mode: 'provision',
    'server-name': 'shop.example.com www.shop.example.com',
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

const ACME = { tls: 'acme', 'acme-email': 'ops@example.com' };

describe('tls inputs', () => {
  test('off by default, Let’s Encrypt production as the ACME server', () => {
    const s = settings();
    expect(s.tls).toMatchObject({ mode: 'off', hsts: false, acmeServer: LETS_ENCRYPT });
  });

  test('tls: acme refuses names no certificate can have: _, wildcards, IP addresses', () => {
    expect(problems({ ...ACME, 'server-name': '_' })).toEqual([
      "input `server-name`: '_' (any name) cannot get a certificate: list the site's host names (example.com www.example.com)"
    ]);
    expect(problems({ ...ACME, 'server-name': 'shop.example.com *.example.com' })[0]).toMatch(
      /'\*\.example\.com': a wildcard needs a DNS-01 challenge/
    );
    expect(problems({ ...ACME, 'server-name': '203.0.113.7' })[0]).toMatch(/is an IP address/);
    // A certificate of your own may serve any name (a catch-all site).
    expect(
      problems({ tls: 'files', 'tls-certificate': A.cert, 'tls-key': A.key, 'server-name': '_' })
    ).toEqual([]);
  });

  test('tls: acme needs an email address and an https directory', () => {
    expect(problems({ tls: 'acme' })).toEqual(['input `acme-email`: is required with tls: acme']);
    expect(problems({ ...ACME, 'acme-email': 'not an email' })[0]).toMatch(/must be an email address/);
    expect(problems({ ...ACME, 'acme-server': 'http://acme.example.com/dir' })[0]).toMatch(
      /^input `acme-server`: must be the https URL of an ACME directory/
    );
    expect(problems({ ...ACME, 'acme-server': "https://a.example.com/d';reboot" })).toHaveLength(1);
    expect(problems({ ...ACME, 'acme-server': 'https://user:pw@a.example.com/dir' })).toHaveLength(1);
    expect(problems({ ...ACME, 'acme-ca-bundle': 'not pem' })[0]).toMatch(
      /^input `acme-ca-bundle`: must be PEM/
    );
    expect(problems({ ...ACME, 'acme-ca-bundle': A.cert })).toEqual([]);
    expect(problems({ ...ACME, 'acme-server': 'https://127.0.0.1:14000/dir' })).toEqual([]);
  });

  test('unknown modes, hsts without TLS, and inputs of the other mode are named', () => {
    expect(problems({ tls: 'on' })[0]).toMatch(/^input `tls`: must be off, acme .* or files/);
    expect(problems({ hsts: 'true' })).toEqual([
      'input `hsts`: needs tls: acme or tls: files (HSTS is sent over HTTPS only)'
    ]);
    expect(problems({ 'tls-key': A.key })).toEqual(['input `tls-key`: is only used with tls: files']);
    expect(problems({ 'acme-email': 'ops@example.com' })).toEqual([
      'input `acme-email`: is only used with tls: acme'
    ]);
  });

  test('tls: files needs both halves, and refuses a key of another certificate', () => {
    expect(problems({ tls: 'files' })).toEqual([
      'input `tls-certificate`: is required with tls: files (the PEM certificate chain)',
      'input `tls-key`: is required with tls: files (the PEM private key, from a secret)'
    ]);
    const bad = problems({ tls: 'files', 'tls-certificate': A.cert, 'tls-key': B.key });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^input `tls-key`: does not match tls-certificate \(CN=shop.example.com\)/);
    // The key never appears in a message.
    expect(bad[0]).not.toContain(B.key.split('\n')[1]);
    expect(problems({ tls: 'files', 'tls-certificate': A.cert, 'tls-key': A.key })).toEqual([]);
  });

  test('tls: files refuses a chain in the wrong order and a certificate that misses a server-name', () => {
    const o = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    o([
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
      '/CN=Test CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem'
    ]);
    o([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=shop.example.com',
      '-keyout',
      'leaf.key',
      '-out',
      'leaf.csr'
    ]);
    writeFileSync(
      path.join(dir, 'leaf.ext'),
      'subjectAltName=DNS:shop.example.com,DNS:www.shop.example.com\nbasicConstraints=CA:FALSE\n'
    );
    o([
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem'
    ]);
    const ca = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    const leaf = readFileSync(path.join(dir, 'leaf.pem'), 'utf8');
    const key = readFileSync(path.join(dir, 'leaf.key'), 'utf8');
    const names = 'shop.example.com www.shop.example.com';
    const files = { tls: 'files', 'tls-key': key, 'server-name': names };
    expect(problems({ ...files, 'tls-certificate': leaf + ca })).toEqual([]);
    expect(problems({ ...files, 'tls-certificate': ca + leaf })).toEqual([
      expect.stringMatching(
        /^input `tls-certificate`: the chain is in the wrong order: the site's certificate \(CN=shop.example.com\) is number 2, after the CA certificate CN=Test CA; put the site's certificate first/
      )
    ]);
    expect(
      problems({ ...files, 'tls-certificate': leaf + ca, 'server-name': `${names} api.example.com` })
    ).toEqual([
      expect.stringMatching(
        /^input `tls-certificate`: does not cover server-name api.example.com \(it is for DNS:shop.example.com, DNS:www.shop.example.com\)/
      )
    ]);
  });

  test('an expired certificate or an unreadable key is refused', () => {
    expect(certificateKeyProblem(A.cert, A.key, new Date(Date.now() + 40 * 86400_000))).toMatch(/expired on/);
    expect(certificateKeyProblem(A.cert, 'garbage')).toMatch(/is not a PEM private key/);
    expect(certificateKeyProblem('garbage', A.key)).toMatch(/is not a PEM certificate/);
    expect(certificateKeyProblem(A.cert + B.cert, A.key)).toBeUndefined();
  });

  test('the key is masked in logs, line by line too', () => {
    const v = secretValues(settings({ tls: 'files', 'tls-certificate': A.cert, 'tls-key': A.key }));
    expect(v).toContain(A.key);
    expect(v).toContain(A.key.split('\n')[1]);
  });
});

describe('the nginx site with TLS', () => {
  const s = settings({ ...ACME, hsts: 'true', static: '/media/=shared/media' });
  const ctx = ctxFor(s);

  test('http2: `http2 on` from nginx 1.25.1, `listen ... http2` before, none when unknown', () => {
    expect(http2Style('1.26.3')).toBe('on');
    expect(http2Style('1.25.1')).toBe('on');
    expect(http2Style('1.25.0')).toBe('listen');
    expect(http2Style('1.22.1')).toBe('listen');
    expect(http2Style('')).toBe('none');
  });

  test('before the certificate: the HTTP site serves the app and the challenge path', () => {
    const text = renderSite(siteVars(ctx, { certificateReady: false, nginxVersion: '1.26.3' }));
    expect(text).toContain('listen 80;');
    expect(text).not.toContain('443');
    expect(text).not.toContain('return 301');
    expect(text).toMatch(
      /location \^~ \/\.well-known\/acme-challenge\/ \{\s+root \/var\/www\/gunicorn-deploy-acme\/shop;/
    );
    expect(text).toContain('proxy_pass http://unix:/run/shop/gunicorn.sock;');
  });

  test('tls: off renders the site exactly as before', () => {
    const off = ctxFor(settings());
    const text = renderSite(siteVars(off, { certificateReady: true, nginxVersion: '1.26.3' }));
    expect(text).not.toMatch(/acme|ssl|301/);
  });

  test('with the certificate: HTTP redirects except the challenge, HTTPS proxies with HSTS everywhere', () => {
    const text = renderSite(siteVars(ctx, { certificateReady: true, nginxVersion: '1.26.3' }));
    const [http, https] = text.split(/\n(?=server \{)/).slice(1);
    expect(http).toContain('listen 80;');
    expect(http).toMatch(
      /location \^~ \/\.well-known\/acme-challenge\/ \{\s+root \/var\/www\/gunicorn-deploy-acme\/shop;/
    );
    expect(http).toContain('return 301 https://$host$request_uri;');
    expect(http).not.toContain('proxy_pass');
    expect(https).toContain('listen 443 ssl;');
    expect(https).toContain('http2 on;');
    expect(https).toContain('ssl_certificate /etc/letsencrypt/live/shop/fullchain.pem;');
    expect(https).toContain('ssl_certificate_key /etc/letsencrypt/live/shop/privkey.pem;');
    expect(https).toContain('proxy_pass http://unix:/run/shop/gunicorn.sock;');
    // add_header in a location replaces the server's: the uploads location repeats HSTS.
    expect(https.match(/Strict-Transport-Security "max-age=31536000" always;/g)).toHaveLength(2);
    const old = renderSite(siteVars(ctx, { certificateReady: true, nginxVersion: '1.22.1' }));
    expect(old).toContain('listen 443 ssl http2;');
    expect(old).not.toContain('http2 on;');
  });

  withTool('nginx', 'openssl')('nginx -t accepts both sites with a real certificate', async () => {
    const version = /nginx\/([0-9.]+)/.exec(spawnSync('nginx', ['-v']).stderr.toString())![1]!;
    const files = ctxFor(
      settings({
        tls: 'files',
        'tls-certificate': A.cert,
        'tls-key': A.key,
        hsts: 'true',
        static: '/media/=shared/media'
      })
    );
    for (const [c, ready] of [
      [ctx, false],
      [files, true]
    ] as const) {
      const work = mkdtempSync(path.join(tmpdir(), 'gd-nginx-tls-'));
      try {
        let text = renderSite(siteVars(c, { certificateReady: ready, nginxVersion: version }));
        // The paths the site names, pointed at the test's own pair.
        text = text
          .replace(/ssl_certificate \S+;/, `ssl_certificate ${dir}/a.pem;`)
          .replace(/ssl_certificate_key \S+;/, `ssl_certificate_key ${dir}/a.key;`);
        writeFileSync(path.join(work, 'site.conf'), text);
        const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
          .map((t) => `${t}_temp_path ${work}/${t};`)
          .join(' ');
        writeFileSync(
          path.join(work, 'nginx.conf'),
          `pid ${work}/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n access_log off;\n ${temp}\n include ${work}/site.conf;\n}\n`
        );
        await expect(
          run('nginx', ['-t', '-q', '-p', work, '-c', path.join(work, 'nginx.conf')])
        ).resolves.toBeDefined();
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  });
});

describe('the ACME script', () => {
  const s = settings({ ...ACME, 'acme-ca-bundle': A.cert });
  const script = acmeScript(ctxFor(s));

  test('parses, and runs certbot with the webroot, the app as the lineage and every name', () => {
    execFileSync('bash', ['-n'], { input: `set -euo pipefail\n${prelude(false)}\n${script}\n${REPORT}\n` });
    expect(script).toContain('# tls_acme.sh\n');
    expect(script).toContain("\nbundle='1'\n");
    expect(script).toContain('export REQUESTS_CA_BUNDLE="$ca_bundle"');
    // Run (without the bundle, no certificate yet) against stubs: certbot gets every word.
    const plain = acmeScript(ctxFor(settings(ACME)));
    const fb = fakeBin({ certbot: '', openssl: '' });
    try {
      const r = fb.run(`set -euo pipefail\n${prelude(false)}\n${plain}\n${REPORT}\n`, {
        stdin: filesInput(acmeFiles(ctxFor(settings(ACME))))
      });
      expect(r.stderr).toBe('');
      expect(callsOf(r, 'certbot')).toEqual([
        [
          ...[
            'certbot',
            'certonly',
            '--non-interactive',
            '--agree-tos',
            '--no-eff-email',
            '-m',
            'ops@example.com'
          ],
          ...['--server', 'https://acme-v02.api.letsencrypt.org/directory', '--webroot'],
          ...['-w', '/var/www/gunicorn-deploy-acme/shop', '--cert-name', 'shop'],
          ...['-d', 'shop.example.com', '-d', 'www.shop.example.com']
        ]
      ]);
      expect(r.stdout).toMatch(/^changed=.* certificate renew-timer$/m);
    } finally {
      fb.cleanup();
    }
    // The bundle's text is not in the script (it comes on stdin with the other files).
    expect(script).not.toContain(A.cert.split('\n')[1]);
  });
});

describe('the key on the server', () => {
  const runKey = (keyPath: string, dry: boolean, key: string): string =>
    execFileSync('bash', ['-c', `set -euo pipefail\n${prelude(dry)}\n${keyScript(keyPath)}\n${REPORT}`], {
      input: `${Buffer.from(key).toString('base64')}\n`,
      encoding: 'utf8'
    });
  const isRoot = process.getuid?.() === 0;

  needs('root', isRoot)('is written 0600, and a dry run never shows the old or new key', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'gd-key-'));
    try {
      const k = path.join(work, 'privkey.pem');
      expect(runKey(k, false, A.key)).toContain('changed= certificate');
      expect(readFileSync(k, 'utf8')).toBe(A.key);
      expect(statSync(k).mode & 0o777).toBe(0o600);
      expect(runKey(k, false, A.key)).toBe('changed=\n');
      const dry = runKey(k, true, B.key);
      expect(dry).toContain('would=write the private key');
      for (const line of [...A.key.split('\n'), ...B.key.split('\n')].filter(
        (l) => l.length > 8 && !l.startsWith('-')
      ))
        expect(dry).not.toContain(line);
      expect(readFileSync(k, 'utf8')).toBe(A.key);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
