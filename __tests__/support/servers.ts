import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sandboxDown, sandboxUp, type SandboxServer, type UpOptions } from '../../src/sandbox/index.js';

/** Set by global setup, inherited by the workers: where this jest run lists the servers it booted. */
function runDir(): string {
  const dir = process.env.GUNICORN_DEPLOY_TEST_RUN_DIR;
  if (!dir) {
    throw new Error(
      "GUNICORN_DEPLOY_TEST_RUN_DIR is not set: run sandbox tests through jest's e2e project, whose global setup sets it"
    );
  }
  return path.join(dir, 'servers');
}

/** One file per server, not one shared file: parallel workers never write the same file. */
export async function trackServer(name: string): Promise<void> {
  await mkdir(runDir(), { recursive: true });
  await writeFile(path.join(runDir(), name), '');
}

const log = process.env.GUNICORN_DEPLOY_SANDBOX_VERBOSE
  ? (line: string): void => void process.stderr.write(`[sandbox] ${line}\n`)
  : undefined;

/** Boots a server for a test; global teardown stops it if the test does not. */
export async function bootServer(opts: UpOptions = {}): Promise<SandboxServer> {
  runDir();
  // A named server is tracked before it exists, so a test timing out mid-boot leaks nothing.
  if (opts.name) await trackServer(opts.name);
  const server = await sandboxUp({ log, ...opts });
  if (!opts.name) await trackServer(server.name);
  return server;
}

export async function stopServer(server: SandboxServer | string): Promise<void> {
  const name = typeof server === 'string' ? server : server.name;
  await sandboxDown({ name });
  await rm(path.join(runDir(), name), { force: true });
}
