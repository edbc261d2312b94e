import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { memoryLogger } from '../../src/log.js';
import { connect } from '../../src/ssh/connection.js';
import { shQuote } from '../../src/ssh/quote.js';
import type { Remote } from '../../src/ssh/types.js';
import { bootServer, stopServer } from '../support/servers.js';

// Commands and uploads over one real connection.

let server: SandboxServer;
let remote: Remote;
let log: ReturnType<typeof memoryLogger>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ssh-remote-e2e-'));
  server = await bootServer({ bare: true });
  log = memoryLogger();
  remote = await connect(
    {
      host: server.host,
      port: server.port,
      user: server.user,
      privateKey: readFileSync(server.privateKeyPath, 'utf8'),
      knownHosts: server.knownHosts
    },
    log
  );
});

afterAll(async () => {
  await remote?.close();
  if (server) await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('exec', () => {
  it('returns exit codes; stderr output is not a failure', async () => {
    expect(await remote.exec('echo out; echo err >&2')).toEqual({
      code: 0,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false
    });
    const three = await remote.exec('echo before; exit 3');
    expect(three.code).toBe(3);
    expect(three.stdout).toBe('before\n');
    const missing = await remote.exec('no-such-command-here');
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
    // Killed by a signal: reported the way a shell would, 128 + signal number.
    expect((await remote.exec('kill -9 $$')).code).toBe(137);
  });

  it('hands stdout chunks to onStdout as they arrive', async () => {
    const chunks: string[] = [];
    const res = await remote.exec('echo ready; sleep 0.3; echo done', { onStdout: (c) => chunks.push(c) });
    expect(chunks.join('')).toBe(res.stdout);
    expect(chunks[0]).toBe('ready\n');
  });

  it('passes hostile arguments through shQuote unchanged', async () => {
    const value = `it's $(id) \`id\` ; * \n -n "x" ✓`;
    const res = await remote.exec(`printf %s ${shQuote(value)}`);
    expect(res.stdout).toBe(value);
  });

  it('streams output live with a [label] prefix inside a stop-commands fence', async () => {
    const lines = memoryLogger();
    const streaming = await connect(
      {
        host: server.host,
        port: server.port,
        user: server.user,
        privateKey: readFileSync(server.privateKeyPath, 'utf8'),
        knownHosts: server.knownHosts
      },
      lines
    );
    try {
      const res = await streaming.exec('echo one; echo "::error::injected" >&2; printf "two\\nthree"', {
        stream: true
      });
      expect(res.code).toBe(0);
      const start = lines.lines.findIndex((l) => l.startsWith('::stop-commands::'));
      expect(start).toBeGreaterThanOrEqual(0);
      const token = lines.lines[start].slice('::stop-commands::'.length);
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      const end = lines.lines.indexOf(`::${token}::`);
      const inside = lines.lines.slice(start + 1, end);
      expect(inside).toEqual(
        expect.arrayContaining([
          `[${server.host}] one`,
          `[${server.host}] ::error::injected`,
          `[${server.host}] two`,
          `[${server.host}] three`
        ])
      );
      expect(inside).toHaveLength(4);
      expect(inside.every((l) => l.startsWith(`[${server.host}] `))).toBe(true);
      // Each command gets its own token.
      await streaming.exec('true', { stream: true });
      const tokens = lines.lines.filter((l) => l.startsWith('::stop-commands::'));
      expect(new Set(tokens).size).toBe(2);
    } finally {
      await streaming.close();
    }
  });

  it('kills a command at its timeout, children included', async () => {
    const started = Date.now();
    const res = await remote.exec('echo started; sleep 301 & sleep 302; echo never', { timeoutMs: 2000 });
    expect(res.timedOut).toBe(true);
    expect(res.code).toBe(124);
    expect(res.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(10_000);
    // The [12] keeps pgrep from matching its own command line.
    const left = await remote.exec('pgrep -f "sleep 30[12]" || echo none');
    expect(left.stdout).toBe('none\n');
  });

  it('kills a timed-out script, and a sudo one', async () => {
    const res = await remote.script('sleep 303', { timeoutMs: 1000, sudo: true });
    expect(res).toMatchObject({ timedOut: true, code: 124 });
    expect((await remote.exec('pgrep -f "sleep 30[3]" || echo none')).stdout).toBe('none\n');
  });

  it('closes stdin unless given: cat returns at once', async () => {
    const started = Date.now();
    const res = await remote.exec('cat; echo done', { timeoutMs: 30_000 });
    expect(res).toEqual({ code: 0, stdout: 'done\n', stderr: '', timedOut: false });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('feeds stdin from a string, a Buffer or a stream', async () => {
    expect((await remote.exec('cat', { stdin: 'from a string\n' })).stdout).toBe('from a string\n');
    const bytes = Buffer.from([0, 1, 2, 255, 10]);
    expect((await remote.exec('od -An -tx1', { stdin: bytes })).stdout.trim()).toBe('00 01 02 ff 0a');
    const big = 'x'.repeat(3 * 1024 * 1024);
    const res = await remote.exec('wc -c', { stdin: Readable.from([big, big]) });
    expect(res.stdout.trim()).toBe(String(2 * big.length));
  });

  it('runs as root with sudo, as the login user without', async () => {
    expect((await remote.exec('id -un')).stdout).toBe(`${server.user}\n`);
    expect((await remote.exec('id -un', { sudo: true })).stdout).toBe('root\n');
    expect((await remote.exec('printf %s "$1"', { sudo: true })).code).toBe(0);
    expect((await remote.script('whoami', { sudo: true })).stdout).toBe('root\n');
  });
});

describe('script', () => {
  it('runs with set -euo pipefail', async () => {
    const e = await remote.script('echo a\nfalse\necho b');
    expect(e).toMatchObject({ code: 1, stdout: 'a\n' });
    const u = await remote.script('echo "$UNSET_VARIABLE"');
    expect(u.code).not.toBe(0);
    expect(u.stderr).toMatch(/UNSET_VARIABLE: unbound variable/);
    const p = await remote.script('false | true\necho after');
    expect(p.code).toBe(1);
  });

  it('leaves stdin free for data', async () => {
    const res = await remote.script('read -r line\necho "got $line"', { stdin: 'hello\n' });
    expect(res.stdout).toBe('got hello\n');
  });

  it('keeps the tail of huge output', async () => {
    const res = await remote.script('seq 1 2000000; echo END');
    expect(res.code).toBe(0);
    expect(res.stdout.length).toBeLessThan(5 * 1024 * 1024);
    expect(res.stdout).toMatch(/^\[\.\.\. \d+ earlier bytes dropped \.\.\.\]\n/);
    expect(res.stdout.endsWith('1999999\n2000000\nEND\n')).toBe(true);
  });
});

describe('sendNext', () => {
  // Issue 13: root scripts queued for the next carrying root command cost no round trip of their
  // own, and each runs only if the one before it succeeded.
  it('sends a script with the next root command; it runs only if that one succeeded', async () => {
    const root = { sudo: true, timeoutMs: 30_000 };
    const carry = { ...root, carry: true };
    const f = `/root/sent-ahead-${Date.now()}`;
    const trips = remote.roundTrips!;
    const waits = remote.waits!;
    remote.sendNext!(`echo second; touch ${f}`, root);
    // A command not meant to carry the queue leaves it alone.
    expect(await remote.script('echo unrelated', root)).toMatchObject({ code: 0, stdout: 'unrelated\n' });
    expect(await remote.script('sleep 0.2; echo first', carry)).toMatchObject({ code: 0, stdout: 'first\n' });
    expect(await remote.script(`echo second; touch ${f}`, root)).toMatchObject({
      code: 0,
      stdout: 'second\n'
    });
    expect([remote.roundTrips! - trips, remote.waits! - waits]).toEqual([3, 2]);

    // The first one fails: the one sent with it never runs unless asked for.
    const g = `/root/not-run-${Date.now()}`;
    remote.sendNext!(`touch ${g}`, root);
    expect((await remote.script('echo failing >&2; exit 3', carry)).code).toBe(3);
    expect((await remote.script(`test -e ${g} && echo there || echo absent`, root)).stdout).toBe('absent\n');
    expect((await remote.exec(`test -e ${f} && echo there`, root)).stdout).toBe('there\n');
  });

  it('queues several, exec and script, with stdin; one skipped after a failure runs when asked for', async () => {
    const root = { sudo: true, timeoutMs: 30_000 };
    const dirName = `/root/queue-${Date.now()}`;
    const waits = remote.waits!;
    remote.sendNext!(`cat > ${dirName}/in; echo two`, { ...root, stdin: 'secret-ish\n' });
    remote.sendNext!(`echo three $(cat ${dirName}/in)`, root, 'exec');
    remote.sendNext!('exit 4', root);
    remote.sendNext!(`echo five; touch ${dirName}/five`, root);
    expect((await remote.script(`mkdir ${dirName}; echo one`, { ...root, carry: true })).stdout).toBe(
      'one\n'
    );
    expect(
      (await remote.script(`cat > ${dirName}/in; echo two`, { ...root, stdin: 'secret-ish\n' })).stdout
    ).toBe('two\n');
    expect((await remote.exec(`echo three $(cat ${dirName}/in)`, root)).stdout).toBe('three secret-ish\n');
    expect((await remote.script('exit 4', root)).code).toBe(4);
    expect(remote.waits! - waits).toBe(1);
    // Skipped on the server (the one before failed); the caller went on, so it runs now.
    expect((await remote.exec(`test -e ${dirName}/five && echo there || echo absent`, root)).stdout).toBe(
      'absent\n'
    );
    expect((await remote.script(`echo five; touch ${dirName}/five`, root)).stdout).toBe('five\n');
    expect((await remote.exec(`test -e ${dirName}/five && echo there`, root)).stdout).toBe('there\n');
  });
});

describe('upload', () => {
  it('sends 1,000 files byte-identical over one channel and leaves excluded paths out', async () => {
    const src = join(dir, 'app');
    for (let i = 0; i < 1000; i++) {
      const sub = join(src, `pkg${i % 25}`, `mod${i % 4}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(
        join(sub, `f${i}.py`),
        `value = ${i}\n`.repeat(i % 97) + (i % 13 === 0 ? '✓ ünïcode\n' : '')
      );
    }
    writeFileSync(join(src, 'empty'), '');
    writeFileSync(join(src, "space d'quote $(x).txt"), 'odd name\n');
    const excluded: Record<string, string> = {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'pkg3/__pycache__/mod.cpython-313.pyc': 'bytecode',
      'node_modules/left-pad/index.js': 'module.exports = 1',
      'pkg4/mod1/local.secret': 'hunter2',
      'build.secret': 'x'
    };
    for (const [path, body] of Object.entries(excluded)) {
      mkdirSync(join(src, path, '..'), { recursive: true });
      writeFileSync(join(src, path), body);
    }

    const dest = '/srv/e2e upload/releases/1';
    const res = await remote.upload(src, dest, {
      exclude: ['.git', '__pycache__', 'node_modules', '*.secret'],
      sudo: true
    });
    expect(res.files).toBe(1002);
    expect(res.bytes).toBeGreaterThan(1000 * 512);
    expect(res.ms).toBeGreaterThan(0);

    const sums = 'find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum';
    const local = execFileSync(
      'bash',
      [
        '-c',
        `cd "$1" && find . \\( -name .git -o -name __pycache__ -o -name node_modules -o -name '*.secret' \\) -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum`,
        '_',
        src
      ],
      { encoding: 'utf8' }
    );
    const remoteSums = await remote.exec(`cd ${shQuote(dest)} && ${sums}`);
    expect(remoteSums.code).toBe(0);
    expect(remoteSums.stdout.split('\n').filter(Boolean)).toHaveLength(1002);
    expect(remoteSums.stdout).toBe(local);

    for (const path of [
      '.git',
      'pkg3/__pycache__',
      'node_modules',
      'pkg4/mod1/local.secret',
      'build.secret'
    ]) {
      const gone = await remote.exec(`test ! -e ${shQuote(`${dest}/${path}`)}`);
      expect({ path, code: gone.code }).toEqual({ path, code: 0 });
    }
    // Owned by whoever unpacked it (root via sudo), not by the runner's uid.
    expect((await remote.exec(`stat -c %U ${shQuote(`${dest}/pkg1/mod1/f1.py`)}`)).stdout).toBe('root\n');
  });

  it('fails clearly with the remote error when the target cannot be written', async () => {
    const src = join(dir, 'small');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a'), 'a');
    await expect(remote.upload(src, '/root/not-mine', { exclude: [] })).rejects.toThrow(
      /upload to .*:\/root\/not-mine failed: remote tar exited \d+: .*Permission denied/
    );
  });
});

test('the debug line of a command names its first line that says something, never an empty one', async () => {
  const debug: string[] = [];
  const logger = { ...memoryLogger(), debug: (m: string) => void debug.push(m) };
  const r = await connect(
    {
      host: server.host,
      port: server.port,
      user: server.user,
      privateKey: readFileSync(server.privateKeyPath, 'utf8'),
      knownHosts: server.knownHosts
    },
    logger
  );
  try {
    await r.script('\n\n  \necho "the first line"\necho second');
  } finally {
    await r.close();
  }
  const shown = debug.filter((l) => l.includes('] $ '));
  expect(shown).toEqual([`[${server.host}] $ echo "the first line"`]);
});
