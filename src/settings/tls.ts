import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type { Inputs } from './inputs.js';
import {
  acmeEmailProblem,
  acmeServerProblem,
  pemCertificatesProblem,
  pemKeyProblem,
  tlsServerNameProblem
} from '../rules.js';
import { chainProblem } from '../provision/tls-chain.js';

/** Let's Encrypt's production directory: what `acme-server` is when not given. */
export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

export const TLS_MODES = ['off', 'acme', 'files'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** HTTPS for the nginx site (mode provision; verify follows the redirect). */
export interface TlsSettings {
  mode: TlsMode;
  /** Strict-Transport-Security on every HTTPS answer. */
  hsts: boolean;
  /** HSTS's includeSubDomains and preload (https://hstspreload.org). */
  hstsSubdomains: boolean;
  hstsPreload: boolean;
  /** tls: acme. */
  acmeEmail: string;
  acmeServer: string;
  /** PEM the server trusts for the ACME server's own HTTPS (a private ACME server); '' for none. */
  acmeCaBundle: string;
  /** tls: files: the certificate chain and its private key (a secret), PEM. */
  certificate: string;
  key: string;
}

/** The inputs holding secrets, registered with the runner before anything prints. */
export const TLS_SECRET_INPUTS = ['tls-key'];

const pem = (raw: string): string => {
  const t = raw.replace(/\r\n/g, '\n').trim();
  return t === '' ? '' : `${t}\n`;
};

/**
 * The TLS inputs; every bad value adds one problem. `serverNames` are the parsed server-name
 * entries: ACME validates each name over HTTP, so `_`, wildcards and IP addresses cannot get a
 * certificate and are refused here, before any server is touched. A key that does not match its
 * certificate, or a certificate past its end date, is refused here too.
 */
export function parseTlsSettings(read: Inputs, problems: string[], serverNames: string[]): TlsSettings {
  const get = read.get;
  const modeRaw = get('tls');
  const mode = (TLS_MODES as readonly string[]).includes(modeRaw) ? (modeRaw as TlsMode) : 'off';
  if (mode !== modeRaw)
    problems.push(
      `input \`tls\`: must be off, acme (a certificate from an ACME CA such as Let's Encrypt) or files (tls-certificate and tls-key), got '${modeRaw}'`
    );
  const hsts = read.bool('hsts');
  const settings: TlsSettings = {
    mode,
    hsts,
    hstsSubdomains: read.bool('hsts-subdomains'),
    hstsPreload: read.bool('hsts-preload'),
    acmeEmail: read('acme-email').trim(),
    acmeServer: get('acme-server'),
    acmeCaBundle: pem(read('acme-ca-bundle')),
    certificate: pem(read('tls-certificate')),
    key: pem(read('tls-key'))
  };
  const problem = (name: string, p: string | undefined): void => {
    if (p) problems.push(`input \`${name}\`: ${p}`);
  };
  if (hsts && mode === 'off') problem('hsts', 'needs tls: acme or tls: files (HSTS is sent over HTTPS only)');
  if (settings.hstsSubdomains && !hsts)
    problem('hsts-subdomains', 'needs hsts: true (it is a part of the HSTS header)');
  // The preload list takes only a year or more with includeSubDomains, and leaving it takes months.
  if (settings.hstsPreload && !(hsts && settings.hstsSubdomains))
    problem(
      'hsts-preload',
      'needs hsts: true and hsts-subdomains: true (the preload list takes only HSTS with includeSubDomains and a max-age of a year or more)'
    );
  if (mode === 'acme') {
    for (const n of serverNames) problem('server-name', tlsServerNameProblem(n));
    problem(
      'acme-email',
      settings.acmeEmail === '' ? 'is required with tls: acme' : acmeEmailProblem(settings.acmeEmail)
    );
    problem('acme-server', acmeServerProblem(settings.acmeServer));
    if (settings.acmeCaBundle) problem('acme-ca-bundle', pemCertificatesProblem(settings.acmeCaBundle));
  } else {
    for (const name of ['acme-email', 'acme-ca-bundle'])
      if (read(name).trim()) problem(name, 'is only used with tls: acme');
  }
  if (mode === 'files') {
    if (!settings.certificate)
      problem('tls-certificate', 'is required with tls: files (the PEM certificate chain)');
    if (!settings.key) problem('tls-key', 'is required with tls: files (the PEM private key, from a secret)');
    // Only PEM blocks are stored: nothing after (or between) them reaches the server.
    const certPem = settings.certificate ? pemCertificatesProblem(settings.certificate) : undefined;
    const keyPem = settings.key ? pemKeyProblem(settings.key) : undefined;
    problem('tls-certificate', certPem);
    problem('tls-key', keyPem);
    const chain =
      settings.certificate && !certPem ? chainProblem(settings.certificate, serverNames) : undefined;
    problem('tls-certificate', chain);
    // A chain in the wrong order would also "not match" its key: the order is what to fix.
    if (settings.certificate && settings.key && !certPem && !keyPem && !chain)
      problem('tls-key', certificateKeyProblem(settings.certificate, settings.key));
  } else {
    for (const name of ['tls-certificate', 'tls-key'])
      if (read(name).trim()) problem(name, 'is only used with tls: files');
  }
  return settings;
}

/**
 * Why this certificate chain and key cannot serve: unreadable, not a pair, or expired. Messages
 * never quote the key.
 */
export function certificateKeyProblem(chain: string, keyPem: string, now = new Date()): string | undefined {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chain)?.[0];
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(first ?? chain);
  } catch {
    return 'tls-certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)';
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    return 'is not a PEM private key without a passphrase (-----BEGIN PRIVATE KEY-----); nothing was changed';
  }
  if (!cert.checkPrivateKey(key))
    return `does not match tls-certificate (${cert.subject.replace(/\n/g, ', ')}): the key belongs to another certificate; nothing was changed`;
  if (new Date(cert.validTo).getTime() <= now.getTime())
    return `tls-certificate expired on ${cert.validTo}; give a current certificate`;
  return undefined;
}
