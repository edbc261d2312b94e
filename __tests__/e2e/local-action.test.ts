import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';

// The action run by @github/local-action, GitHub's tool for running an action on a workstation:
// inputs from a .env file, @actions/core replaced by its stubs, the TypeScript entry
// (src/entry/local-action.ts exports run()) loaded through tsx. It cannot load dist/index.js (a bundle
// has its own @actions/core and no run() export); __tests__/e2e/action.test.ts runs the bundle.
const run = promisify(execFile);
let server: SandboxServer;

beforeAll(async () => {
  server = await bootServer();
});
afterAll(async () => {
  if (server) await stopServer(server);
});

/** A dotenv value: double quotes keep newlines (a private key) as they are. */
function dotenv(values: Record<string, string>): string {
  return (
    Object.entries(values)
      .map(([k, v]) => {
        if (/["\\]/.test(v)) throw new Error(`${k}: this test writes no quotes or backslashes into .env`);
        return `${k}="${v}"`;
      })
      .join('\n') + '\n'
  );
}

async function localAction(envFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = path.resolve('node_modules/.bin/local-action');
  try {
    const { stdout, stderr } = await run(bin, ['run', '.', 'src/entry/local-action.ts', envFile], {
      cwd: process.cwd(),
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // Offline: npm exec must find tsx in node_modules, never fetch it.
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
        NO_COLOR: '1',
        FORCE_COLOR: '0'
      }
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The stub prints each output as a ::set-output line. */
function outputs(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)) out[m[1]!] = m[2]!;
  return out;
}

test('preflight through local-action: inputs from .env, outputs and summary through its stubs', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-local-action-'));
  const key = await readFile(server.privateKeyPath, 'utf8');
  const summary = path.join(dir, 'summary.md');
  await writeFile(summary, '');
  const envFile = path.join(dir, '.env');
  await writeFile(
    envFile,
    dotenv({
      // local-action's stub reads INPUT_<NAME> in upper case, dashes kept, as the runner sets them.
      INPUT_MODE: 'preflight',
      INPUT_HOST: server.host,
      INPUT_USER: server.user,
      'INPUT_PRIVATE-KEY': key,
      'INPUT_KNOWN-HOSTS': server.knownHosts,
      'INPUT_APP-NAME': 'shop',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_ACTION_PATH: process.cwd(),
      GITHUB_SHA: 'e'.repeat(40),
      GITHUB_REPOSITORY: 'example/shop'
    })
  );
  const res = await localAction(envFile);
  expect(res.stderr).not.toMatch(/Error:/);
  expect(res.code).toBe(0);
  expect(res.stdout).toContain('Running Action');
  const out = outputs(res.stdout);
  expect(out.status).toBe('ok');
  const hosts = JSON.parse(out.hosts!) as Record<string, unknown>[];
  expect(hosts[0]).toMatchObject({ host: server.host, ok: true, sudo: 'yes', systemd: 'yes', usable: 'yes' });
  expect(res.stdout).toMatch(/Action Outputs[\s\S]*'status'\s*│\s*'ok'/);
  expect(await readFile(summary, 'utf8')).toContain('gunicorn-deploy preflight: ok');
  // No line of the key in the log (the stub masks what setSecret registered).
  for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) {
    expect(res.stdout).not.toContain(line);
  }
});

test('bad input through local-action: the run fails naming the input, nothing connects', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-local-action-'));
  const envFile = path.join(dir, '.env');
  await writeFile(
    envFile,
    dotenv({
      INPUT_HOST: server.host,
      'INPUT_PRIVATE-KEY': 'not a key',
      'INPUT_KNOWN-HOSTS': server.knownHosts,
      'INPUT_APP-NAME': 'Bad Name'
    })
  );
  const res = await localAction(envFile);
  expect(res.stdout).toMatch(/2 inputs are not valid \(nothing was changed on any server\)/);
  expect(res.stdout).toContain('input `app-name`');
  expect(res.stdout).toContain('input `private-key`');
  expect(outputs(res.stdout).status).toBe('failed');
  expect(res.stdout).not.toMatch(/::group::.*connect/);
});
