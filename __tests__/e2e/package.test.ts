import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { stopServer, trackServer } from '../support/servers.js';

const run = promisify(execFile);

// What users get from the registry: the packed tarball, installed where the repository never was,
// with no network, runs the CLI, checks a real server and boots the sandbox.
let tmp: string;
let prefix: string;
let tarball: string;
const name = `pkg-${process.pid % 100000}`;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gd-package-'));
  await run('npm', ['pack', '--silent', '--pack-destination', tmp], { cwd: process.cwd() });
  tarball = path.join(
    tmp,
    (await readdir(tmp)).find((f) => f.endsWith('.tgz'))!
  );
  prefix = path.join(tmp, 'user');
  await mkdir(prefix);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The installed CLI, run from the user's folder (the repository is nowhere on its path). */
function cli(args: string[], opts: { offline?: boolean } = {}) {
  const cmd = ['npx', '--offline', '--no-install', 'gunicorn-deploy', ...args];
  // A network namespace of its own: nothing can be fetched, whatever npm would like to do.
  const [file, argv] = opts.offline ? ['unshare', ['--net', '--', ...cmd]] : [cmd[0]!, cmd.slice(1)];
  return run(file, argv, { cwd: prefix, env: { ...process.env, npm_config_cache: path.join(tmp, 'cache') } });
}

test('the npm tarball holds only what the CLI and action need, and is small', async () => {
  const size = (await stat(tarball)).size;
  process.stdout.write(`npm package: ${path.basename(tarball)} ${(size / 1e6).toFixed(2)} MB\n`);
  expect(size).toBeLessThan(3e6);
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const top = new Set(
    stdout
      .split('\n')
      .filter((l) => l)
      .map((l) => l.split('/')[1])
  );
  expect([...top].sort()).toEqual(
    [
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'SECURITY.md',
      'action.yml',
      'bin',
      'dist',
      'examples',
      'package.json',
      'templates'
    ].sort()
  );
  expect(stdout).not.toMatch(/\.node$/m);
  expect(stdout).not.toMatch(/^package\/(src|__tests__|node_modules)\//m);
});

test('installs into an empty folder with no network and no cache, and --help runs', async () => {
  await writeFile(path.join(prefix, 'package.json'), '{ "private": true }\n');
  await run(
    'unshare',
    ['--net', '--', 'npm', 'install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
    { cwd: prefix, env: { ...process.env, npm_config_cache: path.join(tmp, 'cache') } }
  );
  // Everything is bundled: nothing but the package itself was installed.
  expect(await readdir(path.join(prefix, 'node_modules'))).toEqual(
    expect.arrayContaining(['gunicorn-deploy'])
  );
  expect((await readdir(path.join(prefix, 'node_modules'))).filter((d) => !d.startsWith('.'))).toEqual([
    'gunicorn-deploy'
  ]);
  const { stdout } = await cli(['--help'], { offline: true });
  expect(stdout).toMatch(/^Usage: gunicorn-deploy \[MODE\]/);
  expect(stdout).toContain('--app-name');
});

test('from the installed package: sandbox up, preflight against it, sandbox down', async () => {
  await trackServer(name);
  const up = await cli(['sandbox', 'up', '--name', name]);
  const server = JSON.parse(up.stdout.trim()) as SandboxServer;
  try {
    const knownHosts = path.join(tmp, 'known_hosts');
    await writeFile(knownHosts, server.knownHosts + '\n');
    const pre = await cli([
      'preflight',
      ...['--host', server.host, '--port', String(server.port), '--user', server.user],
      ...['--private-key-file', server.privateKeyPath, '--known-hosts-file', knownHosts],
      ...['--app-name', 'pkgcheck', '--json']
    ]);
    const out = JSON.parse(pre.stdout.trim().split('\n').at(-1)!) as Record<string, string>;
    expect(out.status).toBe('ok');
  } finally {
    const down = await cli(['sandbox', 'down', '--name', name]);
    expect(down.stderr).not.toMatch(/error/i);
    await stopServer(name).catch(() => undefined);
  }
});
