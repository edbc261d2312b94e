import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxRun } from './global-setup.js';

/** Stops what this run started and nothing else: other runs may share the machine. */
export default async function globalTeardown(): Promise<void> {
  // Left by global setup, which ran in this process (teardown cannot import src either).
  const run = (globalThis as Record<string, unknown>).__gunicornDeploySandboxRun as SandboxRun | undefined;
  if (!run) return;
  const names = await readdir(path.join(run.runDir, 'servers')).catch(() => [] as string[]);
  const errors: string[] = [];
  for (const name of names) {
    try {
      await run.sandbox.sandboxDown({ name }); // already stopped by its test: nothing to do
    } catch (err) {
      errors.push(`${name}: ${(err as Error).message}`);
    }
  }
  await rm(run.runDir, { recursive: true, force: true });
  if (errors.length) throw new Error(`sandbox teardown: ${errors.join('; ')}`);
}
