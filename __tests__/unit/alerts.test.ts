import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { prelude, REPORT } from '../../src/provision/shell.js';
import { certbotAlertDropin, tlsCheckFiles, tlsCheckRemoveScript } from '../../src/provision/tls-check.js';
import { removeAppScript } from '../../src/provision/remove.js';
import { verifyChecklistScript } from '../../src/provision/verify.js';
import { renderTemplate } from '../../src/render.js';
import { provisionVars } from '../../src/provision/vars.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'my-shop',
    'trust-on-first-use': 'true',
    mode: 'provision',
    'server-name': 'shop.test www.shop.test',
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

function syntaxOk(script: string): void {
  execFileSync('bash', ['-n'], { input: `set -euo pipefail\n${prelude(false)}\n${script}\n${REPORT}\n` });
}

function filesPair(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gd-alerts-'));
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30'],
      ...['-subj', '/CN=shop.test', '-addext', 'subjectAltName=DNS:shop.test,DNS:www.shop.test'],
      ...['-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')]
    ],
    { stdio: 'ignore' }
  );
  return {
    cert: readFileSync(path.join(dir, 'c.pem'), 'utf8'),
    key: readFileSync(path.join(dir, 'k.pem'), 'utf8')
  };
}

describe('certificate alerts', () => {
  test("tls: acme: the check reads certbot's lineage, and certbot.service fails into the app's alert unit", () => {
    const ctx = ctxFor(settings({ tls: 'acme', 'acme-email': 'ops@shop.test' }));
    const files = tlsCheckFiles(ctx);
    expect(files.map((f) => f.path)).toEqual([
      '/usr/local/lib/gunicorn-deploy/my-shop-tls-check',
      '/etc/systemd/system/my-shop-tls-check.service',
      '/etc/systemd/system/my-shop-tls-check.timer',
      certbotAlertDropin('my-shop')
    ]);
    const script = files[0]!.content;
    execFileSync('bash', ['-n'], { input: script });
    expect(script).toContain("cert='/etc/letsencrypt/live/my-shop/fullchain.pem'");
    expect(script).toContain("name='shop.test'");
    expect(script).toContain('journalctl -u certbot.service');
    expect(files[1]!.content).toContain('ExecStart=/usr/local/lib/gunicorn-deploy/my-shop-tls-check');
    expect(files[3]!.content).toContain('OnFailure=my-shop-alert@certbot.service');
    const alert = renderTemplate('alert.sh', provisionVars(ctx));
    expect(alert).toContain('if [ "$unit" = certbot ]; then event=tls-renewal-failed;');
  });

  test('tls: files: no certbot drop-in, and the hint says who renews it', () => {
    const pair = filesPair();
    const ctx = ctxFor(settings({ tls: 'files', 'tls-certificate': pair.cert, 'tls-key': pair.key }));
    const files = tlsCheckFiles(ctx);
    expect(files).toHaveLength(3);
    expect(files[0]!.content).toContain("cert='/etc/gunicorn-deploy/tls/my-shop/fullchain.pem'");
    expect(files[0]!.content).not.toContain('journalctl -u certbot');
    expect(files[0]!.content).toContain('run mode provision with the new tls-certificate and tls-key');
  });

  test('tls: off removes the check; mode remove takes it with the app; verify names who renews', () => {
    const ctx = ctxFor(settings());
    const off = tlsCheckRemoveScript(ctx);
    syntaxOk(off);
    expect(off).toContain('my-shop-tls-check.timer');
    const remove = removeAppScript(ctx);
    for (const p of [
      'my-shop-tls-check.timer',
      '/usr/local/lib/gunicorn-deploy/my-shop-tls-check',
      certbotAlertDropin('my-shop')
    ])
      expect(remove).toContain(p);
    const verify = verifyChecklistScript(ctx);
    expect(verify).toMatch(/\/etc\/letsencrypt\/\*\) r tls red .*journalctl -u certbot/);
    expect(verify).toMatch(/\*\) r tls red .*run mode provision with a renewed tls-certificate and tls-key/);
  });
});
