import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { memoryLogger } from '../../src/log.js';
import { connect, SshAuthError, SshConnectError } from '../../src/ssh/connection.js';
import { fingerprint, HostKeyError } from '../../src/ssh/hostkeys.js';
import type { Remote, SshTarget } from '../../src/ssh/types.js';
import { bootServer, stopServer } from '../support/servers.js';

// Host-key verification, retries and auth failures against a real sshd.

let server: SandboxServer;
let base: SshTarget;
let serverKey: Buffer; // the host key blob, read from the guest's disk by the sandbox
let dir: string;
const open: Remote[] = [];

function keygen(name: string): { privateKey: string; pub: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return {
    privateKey: readFileSync(file, 'utf8'),
    pub: readFileSync(`${file}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
  };
}

async function remote(over: Partial<SshTarget>, log = memoryLogger()): Promise<Remote> {
  const r = await connect({ ...base, ...over }, log);
  open.push(r);
  return r;
}

/** Logins the server accepted so far, from its own journal. */
async function acceptedLogins(via: Remote): Promise<number> {
  // [p]: sudo logs this very command line to the journal; the bracket keeps it from counting itself.
  const res = await via.exec(
    'journalctl -q -o cat --no-pager -t sshd -t sshd-session | grep -c "Accepted [p]ublickey" || true',
    { sudo: true }
  );
  return Number(res.stdout.trim());
}

/** The count once journald has caught up (sshd's messages reach the journal asynchronously). */
async function settledLogins(via: Remote): Promise<number> {
  let last = await acceptedLogins(via);
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 400));
    const now = await acceptedLogins(via);
    if (now === last) return now;
    last = now;
  }
  throw new Error('the login count in the journal never settled');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssh-connect-e2e-'));
  server = await bootServer({ bare: true });
  const [, , b64] = server.knownHosts.trim().split(/\s+/);
  serverKey = Buffer.from(b64, 'base64');
  base = {
    host: server.host,
    port: server.port,
    user: server.user,
    privateKey: readFileSync(server.privateKeyPath, 'utf8'),
    knownHosts: server.knownHosts + '\n',
    retries: 0
  };
});

afterAll(async () => {
  await Promise.all(open.map((r) => r.close()));
  if (server) await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('host keys', () => {
  it('connects with the exact known_hosts line and registers the key as a secret first', async () => {
    const log = memoryLogger();
    const r = await remote({}, log);
    expect((await r.exec('echo ok')).stdout).toBe('ok\n');
    expect(log.secrets).toContain(base.privateKey);
  });

  it('rejects a wrong host key, naming host, key type and the fingerprint seen, and runs nothing', async () => {
    const watcher = await remote({});
    const before = await settledLogins(watcher);
    const impostor = keygen('impostor-host');
    const err = await connect(
      { ...base, knownHosts: `${server.host} ${impostor.pub}\n` },
      memoryLogger()
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect((err as HostKeyError).failure.kind).toBe('mismatch');
    expect((err as Error).message).toContain(
      `host key for ${server.host} (ssh-ed25519 ${fingerprint(serverKey)}) does not match known-hosts`
    );
    // The refusal happens before authentication: the server logged no new login.
    expect(await settledLogins(watcher)).toBe(before);
    // ...while a good login right after does show up, so the count above means something.
    await remote({});
    let after = before;
    for (let i = 0; i < 20 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await acceptedLogins(watcher);
    }
    expect(after).toBe(before + 1);
  });

  it('rejects an unknown key by default', async () => {
    const other = keygen('other-host');
    for (const knownHosts of [undefined, '', `some-other-host ${other.pub}\n`]) {
      const err = await connect({ ...base, knownHosts }, memoryLogger()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyError);
      expect((err as Error).message).toContain(
        `host key for ${server.host} (ssh-ed25519 ${fingerprint(serverKey)}) is unknown: add it to known-hosts or host-fingerprint`
      );
    }
  });

  it('trust-on-first-use accepts an unknown key and prints its fingerprint and known_hosts line', async () => {
    const log = memoryLogger();
    const r = await remote({ knownHosts: undefined, trustOnFirstUse: true }, log);
    expect((await r.exec('true')).code).toBe(0);
    const warning = log.lines.find((l) => l.startsWith('warning: trust-on-first-use'));
    expect(warning).toContain(fingerprint(serverKey));
    expect(warning).toContain(server.knownHosts.trim().split(/\s+/).slice(0, 3).join(' '));
  });

  it('accepts a known_hosts file hashed by ssh-keygen -H', async () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `# hashed\n${server.knownHosts}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    expect(hashed).toMatch(/^\|1\|/m);
    expect(hashed).not.toContain(server.host);
    const r = await remote({ knownHosts: hashed });
    expect((await r.exec('true')).code).toBe(0);
  });

  it('accepts a pinned SHA256 fingerprint', async () => {
    const r = await remote({ knownHosts: undefined, fingerprints: [fingerprint(serverKey)] });
    expect((await r.exec('true')).code).toBe(0);
  });

  it('accepts the fingerprint the server itself reports with ssh-keygen -lf', async () => {
    const via = await remote({});
    const out = await via.exec('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    const fp = out.stdout.split(' ')[1];
    expect(fp).toBe(fingerprint(serverKey));
    const r = await remote({ knownHosts: undefined, fingerprints: [fp] });
    expect((await r.exec('true')).code).toBe(0);
  });

  it('verifies against an RSA-only known_hosts entry (asks the server for that key type)', async () => {
    const via = await remote({});
    const rsa = (await via.exec('cut -d" " -f1,2 /etc/ssh/ssh_host_rsa_key.pub')).stdout.trim();
    const r = await remote({ knownHosts: `${server.host} ${rsa}\n` });
    expect((await r.exec('true')).code).toBe(0);
  });
});

describe('failures', () => {
  it('retries a port with nothing listening, then fails with a clear error', async () => {
    const log = memoryLogger();
    const started = Date.now();
    const err = await connect({ ...base, port: 1, retries: 2 }, log).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshConnectError);
    expect((err as SshConnectError).attempts).toBe(3);
    expect((err as Error).message).toContain(
      `cannot connect to ${server.user}@${server.host}:1 after 3 attempts`
    );
    expect((err as Error).message).toContain('ECONNREFUSED');
    const retries = log.lines.filter((l) => /retrying in/.test(l));
    expect(retries).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000 - 100); // 1 s + 2 s of backoff
  });

  it('does not retry an authentication failure', async () => {
    const log = memoryLogger();
    const stranger = keygen('stranger-client');
    const err = await connect({ ...base, privateKey: stranger.privateKey, retries: 3 }, log).catch(
      (e: unknown) => e
    );
    expect(err).toBeInstanceOf(SshAuthError);
    expect((err as Error).message).toContain(`authentication as ${server.user}@${server.host} failed`);
    expect(log.lines.filter((l) => /retrying/.test(l))).toEqual([]);
    expect(log.secrets).toContain(stranger.privateKey);
  });

  it('does not retry a host-key rejection', async () => {
    const log = memoryLogger();
    const impostor = keygen('impostor-2');
    const err = await connect(
      { ...base, knownHosts: `${server.host} ${impostor.pub}`, retries: 3 },
      log
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect(log.lines.filter((l) => /retrying/.test(l))).toEqual([]);
  });
});
