import type { Suite } from './config.js';

/** A running sandbox server and everything a client needs to reach it and trust it. */
export interface SandboxServer {
  name: string;
  /** The guest's IP (10.213.K.2). */
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
  /** One exact known_hosts line, e.g. "10.213.3.2 ssh-ed25519 AAAA...". */
  knownHosts: string;
  /** The host-side supervisor; `down` signals it. */
  pid: number;
  suite: string;
  bare: boolean;
}

export interface UpOptions {
  name?: string;
  /** A fresh cloud image (no Gunicorn, nginx, venv support) instead of a ready server. */
  bare?: boolean;
  suite?: Suite;
  log?: (line: string) => void;
}

export interface DownOptions {
  name?: string;
  all?: boolean;
}
