import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log.js';
import {
  entryMatchesHost,
  fingerprint,
  keyBlobType,
  knownHostsLine,
  makeHostVerifier,
  normalizeFingerprint,
  parseKnownHosts
} from '../../src/ssh/hostkeys.js';
import type { SshTarget } from '../../src/ssh/types.js';

interface Key {
  type: string;
  blob: Buffer;
  pub: string; // "type base64"
  keygenFingerprint: string; // what `ssh-keygen -lf` prints
}

let dir: string;
const keys: Record<string, Key> = {};

function generate(name: string, args: string[]): Key {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-N', '', '-C', `test-${name}`, '-f', file, ...args]);
  const pub = readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const lf = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' });
  const [type, b64] = pub.split(' ');
  return { type, blob: Buffer.from(b64, 'base64'), pub, keygenFingerprint: lf.split(' ')[1] };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssh-hostkeys-test-'));
  keys.ed = generate('ed', ['-t', 'ed25519']);
  keys.ed2 = generate('ed2', ['-t', 'ed25519']);
  keys.ecdsa = generate('ecdsa', ['-t', 'ecdsa', '-b', '256']);
  keys.rsa = generate('rsa', ['-t', 'rsa', '-b', '2048']);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hashes a known_hosts text with ssh-keygen -H, as a user would. */
function hashWithKeygen(text: string): string {
  const file = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  return readFileSync(file, 'utf8');
}

function target(over: Partial<SshTarget> = {}): SshTarget {
  return { host: '10.0.0.5', port: 22, user: 'deploy', privateKey: 'x', ...over };
}

describe('fingerprint', () => {
  it.each(['ed', 'ecdsa', 'rsa'])('matches ssh-keygen -lf for %s', (name) => {
    const k = keys[name];
    expect(fingerprint(k.blob)).toBe(k.keygenFingerprint);
    expect(fingerprint(k.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads the key type from the blob', () => {
    expect(keyBlobType(keys.ed.blob)).toBe('ssh-ed25519');
    expect(keyBlobType(keys.ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyBlobType(keys.rsa.blob)).toBe('ssh-rsa');
    expect(keyBlobType(Buffer.from('garbage'))).toBeUndefined();
  });

  it('normalizes pins with or without prefix and padding, and refuses MD5', () => {
    const fp = keys.ed.keygenFingerprint;
    expect(normalizeFingerprint(fp)).toBe(fp);
    expect(normalizeFingerprint(fp.slice(7))).toBe(fp);
    expect(normalizeFingerprint(` ${fp}= `)).toBe(fp);
    expect(() => normalizeFingerprint('MD5:12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0')).toThrow(
      /SHA256/
    );
  });
});

describe('parseKnownHosts', () => {
  it('reads plain, bracketed, comma lists, comments, markers and reports junk', () => {
    const text = [
      '# a comment',
      '',
      `10.0.0.5,web1.example.com ${keys.ed.pub} comment here`,
      `[10.0.0.6]:2222 ${keys.ecdsa.pub}`,
      `  web2 ${keys.rsa.pub}  `,
      `@revoked * ${keys.ed2.pub}`,
      `@cert-authority *.example.com ${keys.rsa.pub}`,
      `@weird host ${keys.ed.pub}`,
      'onlyhost ssh-ed25519',
      'host ssh-ed25519 !!!notbase64',
      `host ssh-rsa ${keys.ed.pub.split(' ')[1]}`
    ].join('\n');
    const { entries, invalid } = parseKnownHosts(text);
    expect(entries.map((e) => [e.line, e.keyType, e.revoked, e.patterns])).toEqual([
      [3, 'ssh-ed25519', false, ['10.0.0.5', 'web1.example.com']],
      [4, 'ecdsa-sha2-nistp256', false, ['[10.0.0.6]:2222']],
      [5, 'ssh-rsa', false, ['web2']],
      [6, 'ssh-ed25519', true, ['*']]
    ]);
    expect(invalid.map((i) => i.line)).toEqual([8, 9, 10, 11]);
    expect(invalid[3].reason).toMatch(/blob is ssh-ed25519, not ssh-rsa/);
  });

  it('reads entries hashed by ssh-keygen -H and matches them like ssh-keygen -F', () => {
    const hashed = hashWithKeygen(
      [`10.0.0.5 ${keys.ed.pub}`, `[10.0.0.6]:2222 ${keys.ecdsa.pub}`, `web2 ${keys.rsa.pub}`].join('\n') +
        '\n'
    );
    const { entries, invalid } = parseKnownHosts(hashed);
    expect(invalid).toEqual([]);
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.hashed && e.patterns.length === 0)).toBe(true);
    expect(entryMatchesHost(entries[0], '10.0.0.5', 22)).toBe(true);
    expect(entryMatchesHost(entries[0], '10.0.0.5', 2222)).toBe(false);
    expect(entryMatchesHost(entries[1], '10.0.0.6', 2222)).toBe(true);
    expect(entryMatchesHost(entries[1], '10.0.0.6', 22)).toBe(false);
    expect(entryMatchesHost(entries[2], 'WEB2', 22)).toBe(true);
    expect(entryMatchesHost(entries[2], 'web3', 22)).toBe(false);
  });

  it('matches port 22 on the plain name and other ports only as [host]:port', () => {
    const { entries } = parseKnownHosts(`10.0.0.5 ${keys.ed.pub}\n[10.0.0.5]:2222 ${keys.ecdsa.pub}\n`);
    expect(entryMatchesHost(entries[0], '10.0.0.5', 22)).toBe(true);
    expect(entryMatchesHost(entries[0], '10.0.0.5', 2222)).toBe(false);
    expect(entryMatchesHost(entries[1], '10.0.0.5', 2222)).toBe(true);
    expect(entryMatchesHost(entries[1], '10.0.0.5', 22)).toBe(false);
  });

  it('honours wildcards and negations like OpenSSH', () => {
    const { entries } = parseKnownHosts(`*.example.com,!bad.example.com,10.0.0.? ${keys.ed.pub}\n`);
    expect(entryMatchesHost(entries[0], 'web.example.com', 22)).toBe(true);
    expect(entryMatchesHost(entries[0], 'bad.example.com', 22)).toBe(false);
    expect(entryMatchesHost(entries[0], '10.0.0.7', 22)).toBe(true);
    expect(entryMatchesHost(entries[0], '10.0.0.17', 22)).toBe(false);
    expect(entryMatchesHost(entries[0], 'example.com', 22)).toBe(false);
  });

  it('writes a known_hosts line that parses back to the same key', () => {
    const line = knownHostsLine('10.0.0.5', 2222, keys.ecdsa.blob);
    expect(line).toBe(`[10.0.0.5]:2222 ${keys.ecdsa.pub}`);
    const { entries } = parseKnownHosts(line);
    expect(entries[0].key.equals(keys.ecdsa.blob)).toBe(true);
  });
});

describe('makeHostVerifier', () => {
  it('rejects every key when nothing to verify against is given (verify by default)', () => {
    const log = memoryLogger();
    const v = makeHostVerifier(target(), log);
    expect(v.verify(keys.ed.blob)).toBe(false);
    expect(v.failure()?.kind).toBe('unknown');
    expect(v.failure()?.message).toContain(
      `host key for 10.0.0.5 (ssh-ed25519 ${keys.ed.keygenFingerprint}) is unknown: add it to known-hosts or host-fingerprint`
    );
    expect(log.lines).toEqual([]);
  });

  it('accepts the key known for the host and remembers how', () => {
    const v = makeHostVerifier(target({ knownHosts: `10.0.0.5 ${keys.ed.pub}\n` }), memoryLogger());
    expect(v.verify(keys.ed.blob)).toBe(true);
    expect(v.failure()).toBeUndefined();
    expect(v.accepted()).toEqual({
      keyType: 'ssh-ed25519',
      fingerprint: keys.ed.keygenFingerprint,
      how: 'known-hosts line 1'
    });
  });

  it('accepts a hashed entry for a non-standard port', () => {
    const kh = hashWithKeygen(`[10.0.0.5]:2222 ${keys.rsa.pub}\n`);
    expect(
      makeHostVerifier(target({ port: 2222, knownHosts: kh }), memoryLogger()).verify(keys.rsa.blob)
    ).toBe(true);
    expect(makeHostVerifier(target({ port: 22, knownHosts: kh }), memoryLogger()).verify(keys.rsa.blob)).toBe(
      false
    );
  });

  it('names host, key type and the fingerprint seen when the key differs', () => {
    const v = makeHostVerifier(target({ knownHosts: `10.0.0.5 ${keys.ed.pub}\n` }), memoryLogger());
    expect(v.verify(keys.ed2.blob)).toBe(false);
    const f = v.failure();
    expect(f?.kind).toBe('mismatch');
    expect(f?.message).toContain(
      `host key for 10.0.0.5 (ssh-ed25519 ${keys.ed2.keygenFingerprint}) does not match known-hosts`
    );
    expect(f?.message).toContain(keys.ed.keygenFingerprint);
  });

  it('refuses a changed key even with trust-on-first-use', () => {
    const log = memoryLogger();
    const v = makeHostVerifier(target({ knownHosts: `10.0.0.5 ${keys.ed.pub}`, trustOnFirstUse: true }), log);
    expect(v.verify(keys.ecdsa.blob)).toBe(false);
    expect(v.failure()?.kind).toBe('mismatch');
    const pinned = makeHostVerifier(
      target({ fingerprints: [keys.ed.keygenFingerprint], trustOnFirstUse: true }),
      log
    );
    expect(pinned.verify(keys.ed2.blob)).toBe(false);
    expect(pinned.failure()?.message).toContain('does not match host-fingerprint');
    expect(log.lines).toEqual([]);
  });

  it('accepts a pinned fingerprint, with or without the SHA256: prefix', () => {
    const fp = keys.rsa.keygenFingerprint;
    expect(makeHostVerifier(target({ fingerprints: [fp] }), memoryLogger()).verify(keys.rsa.blob)).toBe(true);
    expect(
      makeHostVerifier(target({ fingerprints: [fp.slice(7)] }), memoryLogger()).verify(keys.rsa.blob)
    ).toBe(true);
    expect(makeHostVerifier(target({ fingerprints: [fp] }), memoryLogger()).verify(keys.ed.blob)).toBe(false);
  });

  it('throws at once on a pin that is not a SHA256 fingerprint', () => {
    expect(() => makeHostVerifier(target({ fingerprints: ['ab:cd:ef'] }), memoryLogger())).toThrow(/SHA256/);
  });

  it('with trust-on-first-use accepts an unknown key and prints what to pin', () => {
    const log = memoryLogger();
    const v = makeHostVerifier(target({ port: 2222, trustOnFirstUse: true }), log);
    expect(v.verify(keys.ed.blob)).toBe(true);
    expect(v.verify(keys.ed.blob)).toBe(true);
    expect(log.lines).toHaveLength(1); // once, not on every retry
    expect(log.lines[0]).toMatch(/^warning: trust-on-first-use/);
    expect(log.lines[0]).toContain(keys.ed.keygenFingerprint);
    expect(log.lines[0]).toContain(`[10.0.0.5]:2222 ${keys.ed.pub}`);
  });

  it('refuses a @revoked key whatever else vouches for it', () => {
    const kh = `10.0.0.5 ${keys.ed.pub}\n@revoked * ${keys.ed.pub}\n`;
    const v = makeHostVerifier(
      target({ knownHosts: kh, fingerprints: [keys.ed.keygenFingerprint] }),
      memoryLogger()
    );
    expect(v.verify(keys.ed.blob)).toBe(false);
    expect(v.failure()?.kind).toBe('revoked');
  });

  it('ignores @cert-authority lines and keys of other hosts', () => {
    const kh = `@cert-authority * ${keys.ed.pub}\nother ${keys.ed.pub}\n[10.0.0.5]:2222 ${keys.ed.pub}\n`;
    const v = makeHostVerifier(target({ knownHosts: kh }), memoryLogger());
    expect(v.verify(keys.ed.blob)).toBe(false);
    expect(v.failure()?.kind).toBe('unknown');
  });

  it('warns about unusable known-hosts lines', () => {
    const log = memoryLogger();
    makeHostVerifier(target({ knownHosts: 'ssh-ed25519 AAAA\n' }), log);
    expect(log.lines[0]).toMatch(/^warning: known-hosts line 1 ignored/);
  });

  it('asks the server for the key types it knows first', () => {
    const rsa = makeHostVerifier(target({ knownHosts: `10.0.0.5 ${keys.rsa.pub}` }), memoryLogger());
    expect(rsa.algorithms.slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(rsa.algorithms).toContain('ssh-ed25519');
    const ecdsa = makeHostVerifier(target({ knownHosts: `10.0.0.5 ${keys.ecdsa.pub}` }), memoryLogger());
    expect(ecdsa.algorithms[0]).toBe('ecdsa-sha2-nistp256');
    expect(new Set(ecdsa.algorithms).size).toBe(ecdsa.algorithms.length);
  });
});
