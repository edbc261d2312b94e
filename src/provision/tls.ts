import type { DeployContext } from '../deploy/context.js';
import { renderTemplate, type ServerFile, type TemplateVars } from '../render.js';
import { serverScript } from '../render/scripts.js';
import { DeployError, type StepOutcome } from '../steps/step.js';
import { ensureNginx } from './nginx.js';
import { runProvisionScript, type ProvisionResult } from './run.js';
import { filesInput, writeFilesScript } from './shell.js';
import { probeTlsState, renderSite, siteVars, tlsPaths } from './tls-site.js';
import { provisionVars } from './vars.js';
import { ensureTlsCheck } from './tls-check.js';

/** Exit code of the ACME script when certbot could not get the certificate. */
const ISSUE_FAILED = 7;

/** certbot runs every executable here after each renewal it makes (Debian's certbot.timer). */
export const RENEW_HOOK = '/etc/letsencrypt/renewal-hooks/deploy/gunicorn-deploy-nginx.sh';
/** The private ACME CA bundle (acme-ca-bundle) and the drop-in giving it to certbot's renewals. */
export const ACME_CA_INPUT = '/etc/gunicorn-deploy/acme-ca.pem';
export const ACME_CA_BUNDLE = '/etc/gunicorn-deploy/acme-ca-bundle.pem';
export const CERTBOT_DROPIN = '/etc/systemd/system/certbot.service.d/gunicorn-deploy-ca.conf';

/**
 * Step `tls`, after `nginx` (which already serves the HTTP site, with the ACME challenge path
 * for tls: acme): gets the certificate (certbot over HTTP-01, or the given files), then installs
 * the HTTPS site through the same nginx -t gate. Nothing is issued when the certificate on the
 * server already covers the names from the same ACME server.
 */
export async function ensureTls(ctx: DeployContext): Promise<StepOutcome> {
  const t = ctx.settings.tls;
  if (t.mode === 'off') return { changed: (await ensureTlsCheck(ctx)).changed, detail: 'off (HTTP only)' };
  const cert = t.mode === 'acme' ? await obtainAcme(ctx) : await writeCertificateFiles(ctx);
  const state = await probeTlsState(ctx);
  if (!state.certificateReady) {
    // Only a dry run gets here (a real run has just written or issued the files).
    return { changed: cert.changed, detail: cert.detail };
  }
  const site = await ensureNginx(ctx, renderSite(siteVars(ctx, state)));
  // New certificate files under an unchanged site: nginx reads them on a reload only.
  if (cert.changes.includes('certificate') && !site.changed && !ctx.settings.provision.dryRun)
    await reloadNginx(ctx);
  const check = await ensureTlsCheck(ctx);
  const changes = [
    ...new Set([
      ...cert.changes.map(changeName),
      ...site.changes.map((c) => `nginx-${c}`),
      ...(check.changed ? ['tls-check'] : [])
    ])
  ];
  const facts = cert.facts;
  const about = facts['not-after'] ? ` (serial ${facts.serial}, valid until ${facts['not-after']})` : '';
  return {
    changed: changes.length > 0,
    detail:
      (changes.length === 0
        ? 'unchanged'
        : `${ctx.settings.provision.dryRun ? 'would change' : 'changed'}: ${changes.join(', ')}`) + about
  };
}

/** A changed file's name in the step's detail: what it is for, not where it is. */
function changeName(c: string): string {
  if (c === RENEW_HOOK) return 'renew-hook';
  if ([ACME_CA_INPUT, CERTBOT_DROPIN].includes(c)) return 'ca-bundle';
  if (c.startsWith('removed:')) return 'ca-bundle-removed';
  return c;
}

async function reloadNginx(ctx: DeployContext): Promise<void> {
  await runProvisionScript(
    ctx,
    'reloading nginx for the new certificate',
    'out=$(nginx -t 2>&1) || { echo "$out" | tail -n 5 >&2; exit 1; }\nsystemctl reload nginx',
    { hint: 'Fix the nginx configuration named above and run provision again.' }
  );
}

export function acmeFiles(ctx: DeployContext): ServerFile[] {
  const hook = renderTemplate('tls/renew-hook.sh', provisionVars(ctx));
  const files: ServerFile[] = [{ path: RENEW_HOOK, content: hook, mode: '0755', owner: 'root:root' }];
  if (ctx.settings.tls.acmeCaBundle) {
    files.push(
      { path: ACME_CA_INPUT, content: ctx.settings.tls.acmeCaBundle, mode: '0644', owner: 'root:root' },
      {
        path: CERTBOT_DROPIN,
        content: renderTemplate('systemd/certbot-ca.conf', {
          caBundle: ACME_CA_BUNDLE
        } as unknown as TemplateVars),
        mode: '0644',
        owner: 'root:root'
      }
    );
  }
  return files;
}

/**
 * The ACME script: the renewal hook and CA files, the webroot, then certbot only when the
 * lineage named after the app is missing, covers other names, comes from another ACME server,
 * was not made with the webroot, or ends within a day.
 */
export function acmeScript(ctx: DeployContext): string {
  const t = ctx.settings.tls;
  const p = tlsPaths(ctx);
  const app = ctx.paths.app;
  const names = ctx.settings.provision.serverName.split(' ');
  return (
    writeFilesScript(acmeFiles(ctx)) +
    serverScript('cert_facts', {}) +
    serverScript('tls_acme', {
      bundle: t.acmeCaBundle ? 1 : 0,
      ca_input: ACME_CA_INPUT,
      ca_bundle: ACME_CA_BUNDLE,
      certbot_dropin: CERTBOT_DROPIN,
      webroot: p.webroot,
      cert: `/etc/letsencrypt/live/${app}/cert.pem`,
      conf: `/etc/letsencrypt/renewal/${app}.conf`,
      wanted: [...names].sort().join(' '),
      names: names.join(' '),
      acme_email: t.acmeEmail,
      acme_server: t.acmeServer,
      cert_name: app,
      issue_failed: ISSUE_FAILED
    })
  );
}

async function obtainAcme(ctx: DeployContext): Promise<ProvisionResult> {
  const t = ctx.settings.tls;
  const names = ctx.settings.provision.serverName.split(' ');
  const before = await probeTlsState(ctx);
  try {
    return await runProvisionScript(ctx, 'getting the certificate', acmeScript(ctx), {
      stdin: filesInput(acmeFiles(ctx)),
      timeoutMs: 5 * 60_000
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (msg.includes(`exit ${ISSUE_FAILED}`)) {
      throw new DeployError(
        `certbot could not get a certificate for ${names.join(', ')} from ${t.acmeServer}; ${servingNow(ctx, before.certificateReady)}:\n${msg.split('\n').slice(1).join('\n')}`,
        `Check that every server-name resolves (DNS A/AAAA) to this server and that port 80 reaches its nginx from the internet (the CA fetches http://NAME/.well-known/acme-challenge/...), that acme-server is right, then run provision again. Repeated failures count against the CA's rate limits.`
      );
    }
    throw err;
  }
}

/** What still answers after a failed issuance: the step runs after the release, so the app serves. */
function servingNow(ctx: DeployContext, hadCertificate: boolean): string {
  const first = ctx.settings.provision.serverName.split(' ')[0]!;
  if (hadCertificate)
    return 'nginx keeps serving HTTPS with the certificate it already has (nothing was changed)';
  return ctx.settings.provision.dryRun
    ? 'nothing was changed'
    : `the site keeps answering over plain HTTP from the app (http://${first}/) until a first certificate is issued`;
}

/**
 * The private key, from the script's stdin, through a 0600 temporary file; never a diff, not even
 * in a dry run (templates/scripts/tls_key.sh). certificate: the certificate write_files.sh put
 * just before (marked `certificate` when it changed, its facts printed after the key).
 */
export function keyScript(path: string, certificate = ''): string {
  return serverScript('tls_key', { key: path, certificate });
}

async function writeCertificateFiles(ctx: DeployContext): Promise<ProvisionResult> {
  const t = ctx.settings.tls;
  const p = tlsPaths(ctx);
  const cert: ServerFile = { path: p.certificate, content: t.certificate, mode: '0644', owner: 'root:root' };
  const key: ServerFile = { path: p.key, content: t.key, mode: '0600', owner: 'root:root' };
  const res = await runProvisionScript(
    ctx,
    'writing the certificate files',
    writeFilesScript([cert]) + serverScript('cert_facts', {}) + keyScript(p.key, p.certificate),
    // The key travels on stdin only, never in the command line.
    { stdin: filesInput([cert, key]) }
  );
  // The paths themselves say nothing more than "certificate".
  const changes = [...new Set(res.changes.filter((c) => !c.startsWith('/')))];
  return { ...res, changes, changed: changes.length > 0 };
}
