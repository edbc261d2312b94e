import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sandboxCli, sandboxList, type SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer, trackServer } from '../support/servers.js';

// The real ssh client on purpose: these tests check the sandbox, not the project's SSH layer.
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'gd-sandbox-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function ssh(s: SandboxServer, command: string, knownHosts = s.knownHosts): Promise<Out> {
  const file = path.join(tmp, `known_hosts-${s.name}-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, knownHosts + '\n');
  const args = [
    ...['-F', '/dev/null', '-i', s.privateKeyPath, '-p', String(s.port)],
    ...['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${file}`],
    ...['-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5', `${s.user}@${s.host}`, command]
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

async function mustSsh(s: SandboxServer, command: string): Promise<string> {
  const r = await ssh(s, command);
  if (r.code !== 0) throw new Error(`${s.name}: \`${command}\` exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function keyOf(line: string): string {
  return line.split(' ').slice(1).join(' ');
}

describe('sandbox servers', () => {
  let ready: SandboxServer;
  let bare: SandboxServer;

  test('two servers boot at once, each its own machine with systemd as PID 1', async () => {
    [ready, bare] = await Promise.all([bootServer(), bootServer({ bare: true })]);
    expect(ready.name).toMatch(/^sb-\d+$/);
    expect(ready.host).not.toBe(bare.host);
    expect(ready.host).toMatch(/^10\.213\.\d+\.2$/);
    expect(ready.knownHosts).toMatch(
      new RegExp(`^${ready.host.replace(/\./g, '\\.')} ssh-ed25519 AAAA\\S+$`)
    );
    expect(keyOf(ready.knownHosts)).not.toBe(keyOf(bare.knownHosts));
    expect([ready.port, ready.user, ready.bare, bare.bare, ready.suite]).toEqual([
      22,
      'deploy',
      false,
      true,
      'trixie'
    ]);
    const listed = (await sandboxList()).map((s) => s.name);
    expect(listed).toEqual(expect.arrayContaining([ready.name, bare.name]));

    for (const s of [ready, bare]) {
      expect(await mustSsh(s, 'cat /proc/1/comm')).toBe('systemd');
      const state = await ssh(s, 'systemctl is-system-running --wait');
      expect(['running', 'degraded']).toContain(state.stdout);
      expect(await mustSsh(s, 'sudo -n id -u')).toBe('0');
      expect(await mustSsh(s, 'hostname')).toBe(s.name);
    }
  });

  test('the known_hosts line is what strict checking needs, and only for its own server', async () => {
    const swapped = `${bare.host} ${keyOf(ready.knownHosts)}`;
    const r = await ssh(bare, 'true', swapped);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/host key|IDENTIFICATION HAS CHANGED/i);
  });

  test('a ready server has what a Flask deploy needs; a bare one does not', async () => {
    expect(await mustSsh(ready, 'gunicorn --version')).toMatch(/gunicorn/i);
    expect((await ssh(ready, 'sudo -n nginx -v')).stderr).toMatch(/nginx version/);
    expect(await mustSsh(ready, 'sqlite3 --version')).toMatch(/^3\./);
    expect(
      await mustSsh(ready, 'python3 -m venv /tmp/v && /tmp/v/bin/python -c "import sys; print(sys.prefix)"')
    ).toBe('/tmp/v');
    expect(await mustSsh(bare, 'python3 -c "print(1)"')).toBe('1');
    expect((await ssh(bare, 'command -v gunicorn nginx')).code).not.toBe(0);
  });

  test('down removes the namespace, the mount and the record', async () => {
    const mountsBefore = await readFile('/proc/self/mountinfo', 'utf8');
    expect(mountsBefore).toContain(`/${ready.name}/merged`);
    const started = Date.now();
    await Promise.all([stopServer(ready), stopServer(bare)]);
    const downMs = Date.now() - started;
    expect(downMs).toBeLessThan(30_000);
    for (const s of [ready, bare]) {
      expect(existsSync(`/run/netns/gd-${s.name}`)).toBe(false);
      expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(`/${s.name}/merged`);
      expect((await sandboxList()).map((x) => x.name)).not.toContain(s.name);
      expect(
        existsSync(`/proc/${s.pid}`) && (await readFile(`/proc/${s.pid}/cmdline`, 'utf8')).includes(s.name)
      ).toBe(false);
    }
  });
});

describe('sandbox CLI', () => {
  const name = `cli-${process.pid % 100000}`;

  function capture(): {
    io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } };
    out: string[];
    err: string[];
  } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { stdout: { write: (s) => out.push(s) > 0 }, stderr: { write: (s) => err.push(s) > 0 } }
    };
  }

  test('up prints one JSON object; list and down work by name', async () => {
    await trackServer(name);
    const up = capture();
    expect(await sandboxCli(['up', '--name', name], up.io)).toBe(0);
    const lines = up.out.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]) as SandboxServer;
    expect(Object.keys(printed).sort()).toEqual([
      'host',
      'knownHosts',
      'name',
      'port',
      'privateKeyPath',
      'user'
    ]);
    expect(printed.name).toBe(name);
    expect(await mustSsh(printed, 'cat /proc/1/comm')).toBe('systemd');

    const list = capture();
    expect(await sandboxCli(['list'], list.io)).toBe(0);
    expect((JSON.parse(list.out.join('')) as SandboxServer[]).map((s) => s.name)).toContain(name);

    const again = capture();
    expect(await sandboxCli(['up', '--name', name], again.io)).toBe(1);
    expect(again.err.join('')).toMatch(/already exists/);

    const down = capture();
    expect(await sandboxCli(['down', '--name', name], down.io)).toBe(0);
    expect(await sandboxCli(['down', '--name', name], capture().io)).toBe(1);
  });

  test('bad arguments exit 2 with usage on stderr', async () => {
    const bad = capture();
    expect(await sandboxCli(['up', '--name', 'Bad_Name'], bad.io)).toBe(2);
    expect(bad.out).toEqual([]);
    expect(bad.err.join('')).toMatch(/invalid sandbox name/);
  });
});
