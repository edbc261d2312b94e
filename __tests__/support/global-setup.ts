import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

type Sandbox = typeof import('../../src/sandbox/index.js');

/** Shared with global teardown, which runs in this same process. */
export interface SandboxRun {
  sandbox: Sandbox;
  runId: string;
  runDir: string;
}
const RUN_KEY = '__gunicornDeploySandboxRun';

/**
 * Global setup runs outside jest's module system: neither the ts-jest transform nor
 * moduleNameMapper reach its imports (jestjs/jest#11644), so `src/…/x.js` would not resolve to
 * x.ts. The sandbox imports only node built-ins and itself, so a transpiled copy loads as is.
 */
async function loadSandbox(rootDir: string): Promise<Sandbox> {
  const src = path.join(rootDir, 'src/sandbox');
  const out = await mkdtemp(path.join(os.tmpdir(), 'gunicorn-deploy-sandbox-setup-'));
  try {
    await writeFile(path.join(out, 'package.json'), '{ "type": "module" }\n');
    for (const file of (await readdir(src)).filter((f) => f.endsWith('.ts'))) {
      const { outputText } = ts.transpileModule(await readFile(path.join(src, file), 'utf8'), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
      });
      await writeFile(path.join(out, file.replace(/\.ts$/, '.js')), outputText);
    }
    return (await import(pathToFileURL(path.join(out, 'index.js')).href)) as Sandbox;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * Pays the one-time template build here, not inside a test's timeout. No root or missing tools
 * fail the run with what to do about it: e2e tests never skip silently (in CI or anywhere else).
 */
export default async function globalSetup(_global: unknown, project: { rootDir: string }): Promise<void> {
  const sandbox = await loadSandbox(project.rootDir);
  await sandbox.sandboxPreflight();
  const log = (line: string): void => void process.stderr.write(`[sandbox] ${line}\n`);
  await sandbox.ensureRootfs({ suite: 'trixie', bare: false, log });
  await sandbox.ensureRootfs({ suite: 'trixie', bare: true, log });
  // The deploy lifecycle also runs on bookworm (Gunicorn 20.1, systemd 252: Ubuntu 22.04's).
  await sandbox.ensureRootfs({ suite: 'bookworm', bare: false, log });

  // Workers inherit this environment: servers.ts records each server it boots under runDir.
  const runId = `${Date.now().toString(36)}-${process.pid}`;
  const stateDir = process.env.GUNICORN_DEPLOY_SANDBOX_DIR || '/run/gunicorn-deploy/sandbox';
  const runDir = path.join(stateDir, 'test-runs', runId);
  await mkdir(runDir, { recursive: true });
  await writeFile(path.join(runDir, 'started'), new Date().toISOString() + '\n');
  process.env.GUNICORN_DEPLOY_TEST_RUN_DIR = runDir;
  (globalThis as Record<string, unknown>)[RUN_KEY] = { sandbox, runId, runDir } satisfies SandboxRun;
}
