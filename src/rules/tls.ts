import type { Problem } from './problem.js';

// HTTPS (tls: acme | files): the inputs are read in src/settings/tls.ts.

const IPV4_NAME = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A server-name entry that should get a certificate: a real DNS name, which HTTP-01 can prove. */
export function tlsServerNameProblem(n: string): Problem {
  if (n === '_')
    return "'_' (any name) cannot get a certificate: list the site's host names (example.com www.example.com)";
  if (n.startsWith('*.'))
    return `'${n}': a wildcard needs a DNS-01 challenge, which this tool does not do; list each name`;
  if (IPV4_NAME.test(n) || n.includes(':'))
    return `'${n}' is an IP address: a certificate is issued for host names; point a DNS name at the server`;
  if (n.endsWith('.')) return `'${n}': give the name without the trailing dot`;
  return undefined;
}

/** The ACME account's contact address (expiry notices), passed to certbot. */
export function acmeEmailProblem(v: string): Problem {
  // Starts with a letter or digit: never an option to certbot, whatever reaches its command line.
  return /^[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(
    v
  )
    ? undefined
    : `must be an email address such as ops@example.com, got '${v}'`;
}

/** An ACME directory: an https URL without credentials. */
export function acmeServerProblem(v: string): Problem {
  const bad = `must be the https URL of an ACME directory (Let's Encrypt: https://acme-v02.api.letsencrypt.org/directory), got '${v}'`;
  if (!/^https:\/\/[A-Za-z0-9.:[\]/_~%-]+$/.test(v)) return bad;
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' || u.username || u.password || !u.hostname) return bad;
  } catch {
    return bad;
  }
  return undefined;
}

/** One or more PEM certificates, nothing else. */
export function pemCertificatesProblem(v: string): Problem {
  const rest = v
    .replace(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----/g, '')
    .trim();
  if (!v.includes('-----BEGIN CERTIFICATE-----') || rest !== '')
    return 'must be PEM certificates (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) and nothing else';
  return undefined;
}

/**
 * One PEM private key and nothing else: text around it (a pasted note, a second block) would be
 * stored with it. The message never quotes the value (it is a secret).
 */
export function pemKeyProblem(v: string): Problem {
  const block = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----\n[A-Za-z0-9+/=\n]+-----END \1-----/g;
  const found = v.match(block) ?? [];
  if (found.length !== 1 || v.replace(block, '').trim() !== '')
    return 'must be one PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----) and nothing else';
  return undefined;
}
