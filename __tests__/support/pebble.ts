import type { SandboxServer } from '../../src/sandbox/index.js';
import { onServer } from './deploy.js';

// pebble (Debian's test ACME server) on the app server itself: it validates every HTTP-01
// challenge by fetching http://NAME/.well-known/acme-challenge/TOKEN from nginx on port 80
// (httpPort 80, no PEBBLE_VA_ALWAYS_VALID); /etc/hosts points the site's names at the server.
// certbot trusts pebble's own HTTPS listener through the acme-ca-bundle input.

export const PEBBLE = '/opt/pebble';
export const PEBBLE_DIRECTORY = 'https://127.0.0.1:14000/dir';

/**
 * pebble's config and its listener's self-signed certificate (made with openssl), the names in
 * /etc/hosts; returns the listener certificate (PEM) for acme-ca-bundle. pebble is not started.
 */
export async function setUpPebble(server: SandboxServer, names: string[]): Promise<string> {
  await onServer(
    server,
    `set -e
mkdir -p ${PEBBLE}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=pebble \\
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout ${PEBBLE}/key.pem -out ${PEBBLE}/cert.pem 2>/dev/null
cat > ${PEBBLE}/config.json <<CONF
{"pebble": {"listenAddress": "0.0.0.0:14000", "managementListenAddress": "0.0.0.0:15000",
  "certificate": "${PEBBLE}/cert.pem", "privateKey": "${PEBBLE}/key.pem",
  "httpPort": 80, "tlsPort": 5001, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
CONF
echo "${server.host} ${names.join(' ')}" >> /etc/hosts`
  );
  return onServer(server, `cat ${PEBBLE}/cert.pem`);
}

/** Starts pebble and saves the root that signs what it issues (new at every start) as root.pem. */
export async function startPebble(server: SandboxServer): Promise<void> {
  await onServer(
    server,
    `systemctl reset-failed pebble.service 2>/dev/null || true
systemd-run --unit pebble --collect -E PEBBLE_VA_NOSLEEP=1 -E PEBBLE_WFE_NONCEREJECT=0 /usr/bin/pebble -config ${PEBBLE}/config.json
for i in $(seq 1 50); do curl -sk -o /dev/null https://127.0.0.1:14000/dir && curl -sk -o /dev/null https://127.0.0.1:15000/roots/0 && break; sleep 0.2; done
curl -sSkf https://127.0.0.1:15000/roots/0 > ${PEBBLE}/root.pem`
  );
}

/** curl on the server, as a client that trusts pebble's CA and resolves NAME to the server. */
export function curlTo(server: SandboxServer, name: string, args: string): Promise<string> {
  return onServer(
    server,
    `curl -sS --cacert ${PEBBLE}/root.pem --resolve ${name}:443:127.0.0.1 --resolve ${name}:80:127.0.0.1 ${args}`
  );
}

/** The serial of the certificate nginx serves for NAME. */
export async function servedSerial(server: SandboxServer, name: string): Promise<string> {
  const out = await onServer(
    server,
    `echo | openssl s_client -connect 127.0.0.1:443 -servername ${name} 2>/dev/null | openssl x509 -noout -serial | sed 's/^serial=//'`
  );
  return out.trim();
}
