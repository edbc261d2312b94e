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
  /**
   * This root command carries what sendNext queued (one round trip for all); a command without it
   * leaves the queue for the one meant to.
   */
  carry?: boolean;
  /**
   * Sent at the same moment as another request whose answer the runner waits for (the lock, with
   * the layout that waits on the server for it): counted as a request, not as a round trip.
   */
  alongside?: boolean;
  /** The plan step that sends it (modes/plan.ts): names a queued request in logs and test doubles. */
  step?: string;
}

/** A request to queue with sendNext or sendNextTogether: what the step's own call will send. */
export interface QueuedRequest {
  text: string;
  opts: ExecOptions;
  kind?: 'script' | 'exec';
  background?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** How long it ran on the server, when its answer came with others' (sendNextTogether). */
  serverMs?: number;
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
   * Queues this root script (or, with kind 'exec', command line) to go with the next root command
   * (one round trip for all), to run right after the one queued before it, and only if that one
   * succeeded; the script()/exec() call with the same text and options then takes its answer. A
   * call for one that was not run (one before it failed) runs it then. For steps whose scripts do
   * not depend on the answers before them. Optional; a Remote without it, or a command that cannot
   * share the root shell (a stream, live output), queues nothing.
   */
  sendNext?(text: string, opts?: ExecOptions, kind?: 'script' | 'exec'): void;
  /**
   * Queues several such requests as one: the background ones run beside the others, which run one
   * after another until one fails; each call with the same text and options takes its own answer.
   */
  sendNextTogether?(parts: QueuedRequest[]): void;
  /** For a cancelled run: drops the queue and stops what was sent ahead and has not answered. */
  cancelQueued?(): void;
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
