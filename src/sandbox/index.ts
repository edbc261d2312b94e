/**
 * Real Debian servers (systemd as PID 1, sshd, a sudo user) in systemd-nspawn containers, for
 * tests, the demo and users who want to try a deploy without a server of their own.
 */
export type { SandboxServer, UpOptions, DownOptions } from './types.js';
export type { Suite } from './config.js';
export { SUITES } from './config.js';
export { sandboxUp, sandboxDown, sandboxList } from './server.js';
export { ensureRootfs, rootfsPath } from './rootfs.js';
export { sandboxCli, parseSandboxArgs, SANDBOX_USAGE } from './cli.js';
export { preflight as sandboxPreflight } from './run.js';
