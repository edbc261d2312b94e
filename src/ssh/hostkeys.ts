import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.js';
import type { SshTarget } from './types.js';

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number in the text it came from, for messages. */
  line: number;
  /** `@revoked` keys are refused for every host; `@cert-authority` lines are not collected. */
  revoked: boolean;
  /** Plain host patterns (`host`, `[host]:port`, wildcards, `!negated`), lower-cased. */
  patterns: string[];
  /** A hashed host (`|1|salt|hmac-sha1`), when the line is hashed instead of plain. */
  hashed?: { salt: Buffer; hmac: Buffer };
  keyType: string;
  /** The raw key blob, as the server sends it during key exchange. */
  key: Buffer;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  /** Lines that were neither blank, comments nor valid entries: shown to the user, never guessed at. */
  invalid: { line: number; reason: string }[];
}

/** Parses known_hosts text: plain and hashed hosts, any key type, `@revoked`; `@cert-authority` is skipped. */
export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const invalid: ParsedKnownHosts['invalid'] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      const marker = fields.shift();
      // Host certificates are not something ssh2 verifies; a CA line must not vouch for a plain key.
      if (marker === '@cert-authority') return;
      if (marker !== '@revoked') {
        invalid.push({ line, reason: `unknown marker ${marker}` });
        return;
      }
      revoked = true;
    }
    if (fields.length < 3) {
      invalid.push({ line, reason: 'expected "HOSTS KEY-TYPE BASE64-KEY"' });
      return;
    }
    const [hosts, keyType, b64] = fields;
    const key = decodeBase64Strict(b64);
    if (!key) {
      invalid.push({ line, reason: 'the key is not valid base64' });
      return;
    }
    const blobType = keyBlobType(key);
    if (blobType !== keyType) {
      invalid.push({ line, reason: `the key blob is ${blobType ?? 'unreadable'}, not ${keyType}` });
      return;
    }
    if (hosts.startsWith('|')) {
      const hashed = parseHashedHost(hosts);
      if (!hashed) {
        invalid.push({ line, reason: 'hashed host is not |1|salt|hash' });
        return;
      }
      entries.push({ line, revoked, patterns: [], hashed, keyType, key });
    } else {
      entries.push({ line, revoked, patterns: hosts.toLowerCase().split(','), keyType, key });
    }
  });
  return { entries, invalid };
}

function parseHashedHost(field: string): { salt: Buffer; hmac: Buffer } | undefined {
  const parts = field.split('|');
  // ['', '1', salt, hash]: type 1 is HMAC-SHA1, the only kind ssh-keygen -H writes.
  if (parts.length !== 4 || parts[0] !== '' || parts[1] !== '1') return undefined;
  const salt = decodeBase64Strict(parts[2]);
  const hmac = decodeBase64Strict(parts[3]);
  if (!salt || !hmac || hmac.length !== 20) return undefined;
  return { salt, hmac };
}

function decodeBase64Strict(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const buf = Buffer.from(text, 'base64');
  return buf.length > 0 ? buf : undefined;
}

/** The algorithm name a key blob starts with (an SSH string), or undefined if it is not a key blob. */
export function keyBlobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  const name = blob.subarray(4, 4 + len).toString('latin1');
  return /^[\x21-\x7e]+$/.test(name) ? name : undefined;
}

/** `SHA256:` + unpadded base64 of sha256(blob): the form `ssh-keygen -lf` prints. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The name known_hosts uses for a host: plain on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}

/** The known_hosts line that pins this key for this host. */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  return `${knownHostsName(host, port)} ${keyBlobType(blob) ?? 'unknown'} ${blob.toString('base64')}`;
}

/** Whether a known_hosts entry names this host (and port), the way OpenSSH matches it. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (entry.hashed) {
    const mac = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return timingSafeEqual(mac, entry.hashed.hmac);
  }
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
    // A matching negation wins over any positive pattern on the line (OpenSSH match_hostname).
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatch(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === name;
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

/** Host-key algorithms the client asks for, so a server with several keys shows the one we know. */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa'
];

function algorithmsForKeyType(keyType: string): string[] {
  // An RSA key is one blob type (ssh-rsa) but three signature algorithms; prefer the SHA-2 ones.
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export type HostKeyFailureKind = 'mismatch' | 'unknown' | 'revoked' | 'unreadable';

/** Why the verifier refused a key; connect() turns it into the error the user reads. */
export interface HostKeyFailure {
  kind: HostKeyFailureKind;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  message: string;
}

export class HostKeyError extends Error {
  constructor(readonly failure: HostKeyFailure) {
    super(failure.message);
    this.name = 'HostKeyError';
  }
}

export interface HostVerifier {
  /** For ssh2's `hostVerifier` (called with the raw key blob, since no hostHash is set). */
  verify: (key: Buffer) => boolean;
  /** The last refusal, if the last key shown was refused. */
  failure(): HostKeyFailure | undefined;
  /** The key that was accepted, once one was. */
  accepted(): { keyType: string; fingerprint: string; how: string } | undefined;
  /** Host-key algorithms in preference order: the types known for this host first. */
  algorithms: string[];
}

/** Normalizes `SHA256:abc=` / `abc` to `SHA256:abc`; refuses MD5 and other forms we cannot compare. */
export function normalizeFingerprint(value: string): string {
  const v = value.trim();
  const body = v.startsWith('SHA256:') ? v.slice('SHA256:'.length) : v;
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(body)) {
    throw new Error(
      `host fingerprint "${v}" is not a SHA256 fingerprint: use the SHA256:... form printed by ` +
        '`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server'
    );
  }
  return 'SHA256:' + body.replace(/=$/, '');
}

/**
 * Builds the host-key check for one target. Verifying is the default: with no known_hosts, no
 * pinned fingerprint and no trust-on-first-use, every key is refused. A key that contradicts a
 * known_hosts entry or a pin is refused even with trust-on-first-use: that is the case the check
 * exists for.
 */
export function makeHostVerifier(target: SshTarget, logger: Logger): HostVerifier {
  const parsed = parseKnownHosts(target.knownHosts ?? '');
  for (const bad of parsed.invalid) {
    logger.warning(`known-hosts line ${bad.line} ignored: ${bad.reason}`);
  }
  const pins = (target.fingerprints ?? []).filter((f) => f.trim() !== '').map(normalizeFingerprint);
  const forHost = parsed.entries.filter((e) => !e.revoked && entryMatchesHost(e, target.host, target.port));
  const revoked = parsed.entries.filter((e) => e.revoked);
  const knownTypes = [...new Set(forHost.map((e) => e.keyType))];
  const preferred = [...new Set(knownTypes.flatMap(algorithmsForKeyType))].filter((a) =>
    DEFAULT_HOST_KEY_ALGORITHMS.includes(a)
  );
  const algorithms = [...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];

  let lastFailure: HostKeyFailure | undefined;
  let accepted: ReturnType<HostVerifier['accepted']>;
  const warnedTofu = new Set<string>();
  const where = knownHostsName(target.host, target.port);

  const refuse = (kind: HostKeyFailureKind, keyType: string, fp: string, message: string): false => {
    lastFailure = { kind, host: target.host, port: target.port, keyType, fingerprint: fp, message };
    return false;
  };

  const verify = (key: Buffer): boolean => {
    lastFailure = undefined;
    const keyType = keyBlobType(key) ?? 'unknown';
    const fp = fingerprint(key);
    const seen = `host key for ${target.host}${target.port === 22 ? '' : `:${target.port}`} (${keyType} ${fp})`;
    if (keyType === 'unknown') {
      return refuse('unreadable', keyType, fp, `${seen} is not a key this client can read`);
    }
    const rev = revoked.find((e) => e.key.equals(key));
    if (rev) {
      return refuse('revoked', keyType, fp, `${seen} is marked @revoked in known-hosts (line ${rev.line})`);
    }
    const match = forHost.find((e) => e.key.equals(key));
    if (match) {
      accepted = { keyType, fingerprint: fp, how: `known-hosts line ${match.line}` };
      return true;
    }
    if (pins.includes(fp)) {
      accepted = { keyType, fingerprint: fp, how: 'host-fingerprint' };
      return true;
    }
    if (forHost.length > 0 || pins.length > 0) {
      const expected: string[] = [];
      if (forHost.length > 0) {
        const lines = forHost.map((e) => `line ${e.line}: ${e.keyType} ${fingerprint(e.key)}`).join(', ');
        expected.push(`known-hosts (${lines})`);
      }
      if (pins.length > 0) expected.push(`host-fingerprint (${pins.join(', ')})`);
      return refuse(
        'mismatch',
        keyType,
        fp,
        `${seen} does not match ${expected.join(' or ')}. The server was reinstalled or re-keyed, ` +
          'or someone is in the middle: check the key on the server console ' +
          '(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before updating known-hosts'
      );
    }
    if (target.trustOnFirstUse) {
      accepted = { keyType, fingerprint: fp, how: 'trust-on-first-use' };
      if (!warnedTofu.has(fp)) {
        warnedTofu.add(fp);
        logger.warning(
          `trust-on-first-use: accepted the unverified ${seen}. ` +
            `Pin it with host-fingerprint: ${fp} or this known-hosts line: ${knownHostsLine(target.host, target.port, key)}`
        );
      }
      return true;
    }
    return refuse(
      'unknown',
      keyType,
      fp,
      `${seen} is unknown: add it to known-hosts or host-fingerprint (no entry for ${where}` +
        `${parsed.entries.length > 0 ? ` among ${parsed.entries.length} known-hosts entries` : ''}). ` +
        'Read the fingerprint on the server itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), ' +
        'or enable trust-on-first-use to accept and print it'
    );
  };

  return { verify, failure: () => lastFailure, accepted: () => accepted, algorithms };
}
