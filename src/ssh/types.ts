import type { Readable } from 'node:stream';

/** How to reach one server and how to know it is the right one. */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  passphrase?: string;
  /** known_hosts text: plain or hashed (|1|salt|hash) entries, any key types, [host]:port forms. */
  knownHosts?: string;
  /** One or more `SHA256:base64` fingerprints the server's host key must match. */
  fingerprints?: string[];
  /** Accept an unknown key, printing its fingerprint so the user can pin it. Opt-in only. */
  trustOnFirstUse?: boolean;
  connectTimeoutMs?: number;
  /** Connection attempts after the first, with backoff; never retried on auth or host-key failure. */
  retries?: number;
  /** A bastion to reach this host through (SSH port forwarding), itself verified like any host. */
  jump?: SshTarget;
}

export interface ExecOptions {
  /** Kills the remote command (and fails with timedOut) after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Bytes for the command's stdin; otherwise stdin is closed at once. */
  stdin?: string | Buffer | Readable;
  /** Print stdout/stderr live, each line prefixed by the host, inside a stop-commands fence. */
  stream?: boolean;
  /** Called with each chunk of stdout as it arrives (for commands that signal progress). */
  onStdout?: (chunk: string) => void;
  /** Run through `sudo -n` when the login user is not root. */
  sudo?: boolean;
  /** Ends the remote command (TERM, then the channel closes) and rejects with a CancelledError. */
  signal?: AbortSignal;
  /**
   * On an exec channel of its own, never the connection's root shell: for a command that waits (a
   * health poll, pip). A cancel or a runner that vanishes must end it at once, and only its own
   * channel closing does that (in the root shell it would run on to its timeout).
   */
  ownChannel?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface UploadOptions {
  /** Glob-ish patterns (tar --exclude semantics) left out of the upload. */
  exclude: string[];
  sudo?: boolean;
  /** Limit for the whole transfer; default as for exec (10 minutes). */
  timeoutMs?: number;
  /** Send exactly these paths (relative to the folder, no recursion) instead of the whole tree. */
  files?: string[];
  /** Unpack as this unprivileged user (from root's side: needs sudo), never as root. */
  asUser?: string;
  /** A failed unpack removes remoteDir (a dropped connection included: the server cleans up). */
  discardOnFailure?: boolean;
  /** Stops the transfer when the run is cancelled. */
  signal?: AbortSignal;
}

export interface UploadResult {
  files: number;
  bytes: number;
  ms: number;
}

/**
 * The only way steps touch a server. Steps get a Remote, never a node-ssh object, so a test can
 * hand them a real sandbox or a recorder.
 */
export interface Remote {
  /** A short label for log prefixes: the host as the user named it. */
  readonly label: string;
  /** Requests made to the server so far (one request and its answer each), for the summary line. */
  readonly roundTrips?: number;
  /** Of those, the ones the runner waited for before it could go on (requests sent ahead are not). */
  readonly waits?: number;
  /**
   * Sends this root script together with the next root command (one round trip for both), to
   * run right after it only if it succeeds; the script() call with the same text and options then
   * takes its answer. For a step whose script does not depend on the previous step's answer.
   * Optional; a Remote without it, or a command that cannot share the root shell, sends nothing.
   */
  sendNext?(script: string, opts?: ExecOptions): void;
  /** Runs a command line as given (the caller quotes with shQuote). A non-zero exit is not thrown. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Runs a bash script with `set -euo pipefail`. A non-zero exit is not thrown. */
  script(script: string, opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Starts, in the background, what later root commands reuse (the privileged shell), so its
   * start overlaps other waits (the lock). Optional; never fails.
   */
  warm?(): void;
  /** Sends a local directory as one tar stream over one exec channel and unpacks it in remoteDir. */
  upload(localDir: string, remoteDir: string, opts: UploadOptions): Promise<UploadResult>;
  close(): Promise<void>;
}
