import { X509Certificate } from 'node:crypto';

/** Every certificate of a PEM chain, in order; undefined when one does not parse. */
function parseChain(chain: string): X509Certificate[] | undefined {
  const blocks = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  try {
    return blocks.map((b) => new X509Certificate(b));
  } catch {
    return undefined;
  }
}

const subjectOf = (c: X509Certificate): string => c.subject.replace(/\n/g, ', ');

/**
 * tls: files: the chain as nginx sends it must start with the site's certificate, each one issued
 * by the next, and the site's certificate must cover every server-name (a browser refuses a name it
 * does not list). Undefined when it is sound or does not parse (certificateKeyProblem says so).
 */
export function chainProblem(chain: string, serverNames: string[]): string | undefined {
  const certs = parseChain(chain);
  if (!certs || certs.length === 0) return undefined;
  const leafAt = certs.findIndex((c) => !c.ca);
  // A self-signed certificate may say CA:TRUE (openssl req -x509 does): only a CA before a leaf is
  // the wrong order.
  if (certs[0]!.ca && leafAt > 0)
    return `the chain is in the wrong order: the site's certificate (${subjectOf(certs[leafAt]!)}) is number ${leafAt + 1}, after the CA certificate ${subjectOf(certs[0]!)}; put the site's certificate first, then its intermediates (as in certbot's fullchain.pem)`;
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!certs[i]!.checkIssued(certs[i + 1]!))
      return `the chain is in the wrong order: certificate ${i + 1} (${subjectOf(certs[i]!)}) is not issued by certificate ${i + 2} (${subjectOf(certs[i + 1]!)}); each certificate must be followed by its issuer`;
  }
  const leaf = certs[0]!;
  const missing = serverNames.filter((n) => n !== '_' && leaf.checkHost(n) === undefined);
  if (missing.length > 0)
    return `does not cover server-name ${missing.join(', ')} (it is for ${leaf.subjectAltName ?? subjectOf(leaf)}); give a certificate for every server-name, or drop the names it lacks`;
  return undefined;
}
