import { jest } from '@jest/globals';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, onServer } from '../support/deploy.js';

// mode run: a one-off command in the serving release, exactly as the app runs.
let server: SandboxServer;
let app: string;
let release: string;

beforeAll(async () => {
  server = await bootServer();
  app = await appCopy();
  const { report } = await deploy(server, app, { env: 'GREETING=hello from env' });
  expect(report.error).toBeUndefined();
  release = report.hosts[0]!.facts.release!;
});
afterAll(async () => {
  if (server) await stopServer(server);
});

test('refused before any connection without a command', async () => {
  await expect(deploy(server, app, { mode: 'run' })).rejects.toThrow(
    /input `command`: is required with mode run[\s\S]*nothing was changed|nothing was changed[\s\S]*input `command`: is required with mode run/
  );
});

test("runs as the app's user, in the serving release, with its venv and environment; output streamed", async () => {
  const command = [
    'echo "user=$(id -un)"',
    'echo "cwd=$(pwd -P)"',
    'echo "python=$(command -v python)"',
    'echo "greeting=$GREETING"',
    // What flask --app app init-db would do: write into the shared instance folder.
    'python -c \'import sqlite3; c = sqlite3.connect("instance/run.db"); c.execute("create table if not exists t (x)"); c.commit()\'',
    'echo "debug=$FLASK_DEBUG"'
  ].join('\n');
  const { report, lines } = await deploy(server, app, { mode: 'run', command });
  expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
  const h = report.hosts[0]!;
  expect(h.facts).toMatchObject({ release, 'exit-code': '0' });
  expect(h.steps.map((s) => s.name)).toEqual(['connect', 'run']);
  const out = lines.join('\n');
  expect(out).toContain('user=shop');
  expect(out).toContain(`cwd=/srv/shop/releases/${release}`);
  expect(out).toContain(`python=/srv/shop/releases/${release}/.venv/bin/python`);
  expect(out).toContain('greeting=hello from env');
  expect(out).toContain('debug=0');
  expect(await onServer(server, 'stat -c %U /srv/shop/shared/instance/run.db')).toBe('shop\n');
});

test('a failing command fails the run with its exit code, and changes nothing else', async () => {
  const before = await onServer(server, 'readlink /srv/shop/current; ls /srv/shop/releases');
  const { report } = await deploy(server, app, { mode: 'run', command: 'echo about to fail; exit 7' });
  expect(report.ok).toBe(false);
  expect(report.hosts[0]!.facts['exit-code']).toBe('7');
  expect(report.error).toMatch(/the command exited 7 in release/);
  expect(report.error).toMatch(/Troubleshooting: README\.md#mode-run/);
  expect(await onServer(server, 'readlink /srv/shop/current; ls /srv/shop/releases')).toBe(before);
});

test('a command killed by a signal reports 128+N, as a shell does (137 for SIGKILL); $ reaches the shell as written', async () => {
  const [killed, child, dollars] = await Promise.all([
    deploy(server, app, { mode: 'run', command: 'kill -KILL $$' }),
    deploy(server, app, { mode: 'run', command: 'sleep 30 & kill -TERM $!; wait $!' }),
    deploy(server, app, { mode: 'run', command: 'x=ok; test "${x}-$x" = ok-ok && test "$$" -gt 1 && exit 9' })
  ]);
  expect(dollars.report.hosts[0]!.facts['exit-code']).toBe('9');
  expect(child.report.hosts[0]!.facts['exit-code']).toBe('143');
  expect(killed.report.hosts[0]!.facts['exit-code']).toBe('137');
  expect(killed.report.error).toMatch(/the command exited 137 in release/);
});

test('run-lock: waits for a deploy holding the lock, then fails naming it; without it the command runs', async () => {
  // A deploy's lock, held by a process on the server for as long as this test needs.
  const holder = onServer(
    server,
    'exec 9>>/srv/shop/.deploy/lock; flock 9; printf "run=a-deploy\\n" > /srv/shop/.deploy/lock.owner; sleep 8',
    30_000
  );
  await new Promise((r) => setTimeout(r, 1500));
  const locked = await deploy(server, app, {
    mode: 'run',
    command: 'echo ran',
    'run-lock': 'true',
    'lock-timeout': '2s'
  });
  expect(locked.report.ok).toBe(false);
  expect(locked.report.error).toMatch(/run=a-deploy/);
  expect(locked.lines.join('\n')).not.toMatch(/^ran$/m);
  const free = await deploy(server, app, { mode: 'run', command: 'echo ran' });
  expect({ ok: free.report.ok, error: free.report.error }).toEqual({ ok: true, error: undefined });
  await holder;
});

test('the CLI: run -- WORDS passes each word on as it is; one word is shell text', async () => {
  const { cli } = await import('../../src/entry/cli.js');
  const flags = [
    ...['--host', server.host, '--user', server.user, '--known-hosts', server.knownHosts],
    ...['--private-key-file', server.privateKeyPath, '--app-name', 'shop']
  ];
  expect(await cli(['run', ...flags, '--', 'touch', 'instance/two words', 'instance/$HOME'])).toBe(0);
  expect(await cli(['run', ...flags, '--', 'cd instance && touch "$GREETING"'])).toBe(0);
  const printed: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => printed.push(String(chunk)) > 0;
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture)
  ];
  try {
    expect(await cli(['run', ...flags, '--', 'false'])).toBe(1);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  // The whole error once, as the last thing said (the step table shows its first line).
  expect(printed.join('').match(/Troubleshooting: README\.md#mode-run/g)).toHaveLength(1);
  expect(await onServer(server, 'ls /srv/shop/shared/instance')).toEqual(
    expect.stringContaining('two words\n')
  );
  const listing = (await onServer(server, 'ls /srv/shop/shared/instance')).split('\n');
  expect(listing).toEqual(expect.arrayContaining(['two words', '$HOME', 'hello from env']));
});
