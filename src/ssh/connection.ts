import * as net from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { NodeSSH, type Config } from 'node-ssh';
import type { Logger } from '../log.js';
import { HostKeyError, makeHostVerifier } from './hostkeys.js';
import { SshRemote } from './remote.js';
import type { SshTarget } from './types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
export const DEFAULT_RETRIES = 3;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 15_000;

/** The network errors worth another attempt: the server may be booting or a link flapping. */
const RETRYABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running and listening on this port?)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  EAI_AGAIN: 'temporary DNS failure'
};

/** Thrown when the server refused our key: retrying cannot help, and could trip fail2ban. */
export class SshAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshAuthError';
  }
}

/** Thrown when the server could not be reached after every attempt. */
export class SshConnectError extends Error {
  constructor(
    message: string,
    readonly attempts: number
  ) {
    super(message);
    this.name = 'SshConnectError';
  }
}

type Classified = { retry: boolean; error: Error };

function describeTarget(t: SshTarget): string {
  return `${t.user}@${t.host}${t.port === 22 ? '' : `:${t.port}`}`;
}

function classify(err: Error & { code?: string; level?: string }, target: SshTarget): Classified {
  const who = describeTarget(target);
  const code = err.code ?? '';
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return {
      retry: false,
      error: new SshAuthError(
        `authentication as ${who} failed: the server refused the private key. Check the user input, and that ` +
          `the key's public half is in ~${target.user}/.ssh/authorized_keys on ${target.host}`
      )
    };
  }
  if (RETRYABLE_CODES[code]) return { retry: true, error: new Error(`${RETRYABLE_CODES[code]} (${code})`) };
  if (err.level === 'client-timeout' || /timed out while waiting for handshake/i.test(err.message)) {
    return { retry: true, error: new Error('no SSH handshake within the connect timeout') };
  }
  if (code === 'ENOTFOUND') {
    return { retry: false, error: new Error(`cannot resolve host name ${target.host} (${code})`) };
  }
  if (/no response from server/i.test(err.message)) {
    return { retry: true, error: new Error('the server closed the connection during the handshake') };
  }
  return { retry: false, error: new Error(`SSH connection to ${who} failed: ${err.message}`) };
}

function validateTarget(t: SshTarget): void {
  if (!t.host || /\s/.test(t.host)) throw new Error(`invalid SSH host "${t.host}"`);
  if (!t.user || /\s/.test(t.user)) throw new Error(`invalid SSH user "${t.user}"`);
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535)
    throw new Error(`invalid SSH port ${t.port}`);
  if (!t.privateKey || !t.privateKey.includes('PRIVATE KEY')) {
    throw new Error(
      'private-key is empty or not a private key (expected a PEM/OpenSSH "-----BEGIN ... PRIVATE KEY-----" block)'
    );
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Opens one verified, authenticated SSH connection. The host key is checked before any
 * authentication happens (so nothing runs on an impostor); network failures are retried with
 * exponential backoff, auth and host-key failures never are.
 */
export async function connect(target: SshTarget, logger: Logger): Promise<SshRemote> {
  // Before anything can print them, even in an error message from deep inside ssh2.
  if (target.privateKey) logger.setSecret(target.privateKey);
  if (target.passphrase) logger.setSecret(target.passphrase);
  validateTarget(target);

  // The bastion first: its host key is verified before anything is forwarded through it.
  const bastion = target.jump ? await connect(target.jump, logger) : undefined;
  try {
    const remote = await connectDirect(target, logger, bastion);
    if (bastion) remote.onClose(() => bastion.close());
    return remote;
  } catch (err) {
    await bastion?.close();
    if (bastion && !(err instanceof HostKeyError) && !(err instanceof SshAuthError)) {
      throw new Error(`${(err as Error).message} (through the bastion ${describeTarget(target.jump!)})`);
    }
    throw err;
  }
}

/**
 * The TCP connection, opened here rather than by ssh2 so that Nagle's algorithm is off: with it on,
 * every small request of the SSH protocol waits for a delayed ACK (measured here: ~107 ms per remote
 * command instead of ~20 ms, a ~250 ms handshake instead of ~65 ms).
 */
function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    sock.setNoDelay(true);
    sock.setTimeout(timeoutMs, () => {
      sock.destroy(
        Object.assign(new Error(`no TCP connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })
      );
    });
    sock.once('connect', () => {
      sock.setTimeout(0);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

async function connectDirect(target: SshTarget, logger: Logger, bastion?: SshRemote): Promise<SshRemote> {
  const verifier = makeHostVerifier(target, logger);
  const attempts = 1 + Math.max(0, target.retries ?? DEFAULT_RETRIES);
  const who = describeTarget(target);
  let last: Error | undefined;
  const backoff = async (attempt: number, error: Error): Promise<void> => {
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (attempt - 1), BACKOFF_MAX_MS);
    logger.warning(
      `ssh ${who}: ${error.message}; retrying in ${delay / 1000} s (attempt ${attempt + 1} of ${attempts})`
    );
    await sleep(delay);
  };

  for (let attempt = 1; attempt <= attempts; attempt++) {
    const ssh = new NodeSSH();
    let sock: Duplex;
    try {
      sock = bastion
        ? await bastion.forward(target.host, target.port)
        : await openSocket(target.host, target.port, target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    } catch (raw) {
      const { retry, error } = classify(raw as Error & { code?: string }, target);
      if (!retry) throw error;
      last = error;
      if (attempt < attempts) await backoff(attempt, error);
      continue;
    }
    const config: Config = {
      sock,
      host: target.host,
      port: target.port,
      username: target.user,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      readyTimeout: target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      hostVerifier: verifier.verify,
      // Ask for the key types known_hosts holds for this host first, as OpenSSH does; otherwise a
      // server with an ed25519 key would show that even when only its RSA key is pinned.
      algorithms: {
        serverHostKey: verifier.algorithms as NonNullable<Config['algorithms']>['serverHostKey']
      },
      // Long quiet commands (pip, migrations) must not look like a dead link to a NAT in between.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4
    };
    try {
      await ssh.connect(config);
      const how = verifier.accepted();
      logger.debug(
        `connected to ${who}${how ? ` (host key ${how.keyType} ${how.fingerprint}, verified by ${how.how})` : ''}`
      );
      return new SshRemote(ssh, target, logger);
    } catch (raw) {
      ssh.dispose();
      const failure = verifier.failure();
      if (failure) throw new HostKeyError(failure);
      const err = raw as Error & { code?: string; level?: string };
      if (/privateKey|passphrase|private key/i.test(err.message) && !err.level) {
        // Thrown by ssh2 while parsing the key, before any network traffic.
        throw new Error(`private-key could not be used: ${err.message} (a wrong or missing passphrase?)`);
      }
      const { retry, error } = classify(err, target);
      if (!retry) throw error;
      last = error;
      if (attempt < attempts) await backoff(attempt, error);
    }
  }
  throw new SshConnectError(
    `cannot connect to ${who} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last?.message}. ` +
      'Check host and port, that the server is up and sshd is running, and that its firewall lets this runner in',
    attempts
  );
}
