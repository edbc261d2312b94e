import { loginNameProblem, LOGIN_NAME } from '../rules.js';
import type { SshTarget } from '../ssh/types.js';
import type { Inputs, Problems } from './inputs.js';

/** One server of `host`, with its port. */
export interface HostSpec {
  host: string;
  port: number;
}

/** How every server is logged in to and verified: the SshTarget fields a run shares. */
export type SshSettings = Required<
  Pick<SshTarget, 'user' | 'privateKey' | 'fingerprints' | 'trustOnFirstUse' | 'connectTimeoutMs'>
> &
  Pick<SshTarget, 'passphrase' | 'knownHosts'>;

/** A bastion in front of the servers, verified like any other host. */
export type JumpSettings = Required<
  Pick<SshTarget, 'host' | 'port' | 'user' | 'privateKey' | 'fingerprints'>
> &
  Pick<SshTarget, 'knownHosts'>;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

function isIp(host: string): boolean {
  const m = IPV4.exec(host);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

function isIpv6(host: string): boolean {
  return /^[0-9A-Fa-f:]+$/.test(host) && host.includes(':');
}

/** 'host', 'host:port', '[v6]:port' -> HostSpec, or a message saying what is wrong. */
export function parseHost(item: string, defaultPort: number): HostSpec | string {
  let host = item;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
  if (bracket) {
    host = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else if ((item.match(/:/g) ?? []).length === 1) {
    const [h, p] = item.split(':');
    host = h!;
    if (!/^\d+$/.test(p!)) return `'${item}': the port after ':' must be a number`;
    port = Number(p);
  }
  if (port < 1 || port > 65535) return `'${item}': port must be 1-65535`;
  if (!(isIp(host) || isIpv6(host) || (HOSTNAME.test(host) && !IPV4.test(host)))) {
    return `'${item}' is not a host name or IP address`;
  }
  return { host, port };
}

/** `host` (one or more servers) and `port` (theirs unless a host names its own). */
export function parseHosts(read: Inputs, problems: Problems): HostSpec[] {
  const defaultPort = read.int('port', 1, 65535);
  const hosts: HostSpec[] = [];
  for (const item of read.list('host')) {
    const spec = parseHost(item, defaultPort);
    if (typeof spec === 'string') read.check('host', spec);
    else hosts.push(spec);
  }
  if (read.get('host') === '') read.check('host', 'is required');
  if (new Set(hosts.map((h) => `${h.host}:${h.port}`)).size !== hosts.length) {
    problems.push('input `host`: lists the same server twice');
  }
  return hosts;
}

/** Multi-line key text with LF line ends and a final newline ('' stays ''). */
function keyText(raw: string): string {
  const key = raw.trim().replace(/\r\n/g, '\n');
  return key === '' || key.endsWith('\n') ? key : key + '\n';
}

function fingerprintList(read: Inputs, name: string, problems: Problems, hint: string): string[] {
  const fingerprints = read.list(name, /[\s,]+/);
  for (const f of fingerprints) {
    if (!FINGERPRINT.test(f)) problems.push(`input \`${name}\`: '${f}' is not a SHA256 fingerprint${hint}`);
  }
  return fingerprints;
}

/** The login (`user`, `private-key`, `passphrase`) and how servers are verified (host keys). */
export function parseSshSettings(read: Inputs, problems: Problems): SshSettings {
  const user = read.get('user');
  read.check('user', loginNameProblem(user));
  const privateKey = keyText(read.required('private-key'));
  if (privateKey !== '' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey)) {
    problems.push(
      'input `private-key`: must be the private key text itself (-----BEGIN ... PRIVATE KEY-----), not a path or a public key'
    );
  }
  const fingerprints = fingerprintList(
    read,
    'host-fingerprint',
    problems,
    '; expected SHA256: followed by 43 base64 characters (ssh-keygen -lf prints it)'
  );
  const knownHosts = read.text('known-hosts');
  const trustOnFirstUse = read.bool('trust-on-first-use');
  if (!knownHosts && fingerprints.length === 0 && !trustOnFirstUse) {
    problems.push(
      "input `known-hosts`: give the servers' host keys (known-hosts or host-fingerprint) so the server can be verified; " +
        'trust-on-first-use: true accepts an unknown key and prints its fingerprint to pin'
    );
  }
  return {
    user,
    privateKey,
    passphrase: read('passphrase') || undefined,
    knownHosts: knownHosts || undefined,
    fingerprints,
    trustOnFirstUse,
    connectTimeoutMs: read.duration('connect-timeout')
  };
}

/** `jump-host` (user@host:port) with its own key and host keys; undefined without a bastion. */
export function parseJumpSettings(
  read: Inputs,
  problems: Problems,
  ssh: SshSettings
): JumpSettings | undefined {
  const spec = read.text('jump-host');
  if (!spec) return undefined;
  const at = spec.lastIndexOf('@');
  const user = at > 0 ? spec.slice(0, at) : ssh.user;
  const hp = parseHost(at > 0 ? spec.slice(at + 1) : spec, 22);
  if (typeof hp === 'string' || !LOGIN_NAME.test(user)) {
    problems.push(`input \`jump-host\`: must be user@host or user@host:port, got '${spec}'`);
    return undefined;
  }
  const privateKey = keyText(read.text('jump-private-key')) || ssh.privateKey;
  const fingerprints = fingerprintList(read, 'jump-host-fingerprint', problems, '');
  const knownHosts = read.text('jump-known-hosts') || undefined;
  if (!knownHosts && fingerprints.length === 0) {
    problems.push(
      "input `jump-known-hosts`: give the bastion's host key (jump-known-hosts or jump-host-fingerprint); it is verified like any other host"
    );
  }
  return { ...hp, user, privateKey, knownHosts, fingerprints };
}
