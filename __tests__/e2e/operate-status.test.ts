import { jest } from '@jest/globals';
import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, onServer } from '../support/deploy.js';

// status and the audit trail: who deployed what, read back from two servers in one command.
let servers: SandboxServer[] = [];
let app: string;
const COMMIT_1 = '1111111111111111111111111111111111111111';
const COMMIT_2 = '2222222222222222222222222222222222222222';

function fleet(): Record<string, string> {
  return {
    host: servers.map((s) => s.host).join(','),
    'known-hosts': servers.map((s) => s.knownHosts).join('\n')
  };
}

/** The CLI as a user runs it; stdout (the --json object) and everything printed. */
async function cliRun(args: string[]): Promise<{ code: number; json: Record<string, string>; out: string }> {
  const { cli } = await import('../../src/entry/cli.js');
  const s = servers[0]!;
  const flags = [
    ...['--host', servers.map((x) => x.host).join(','), '--user', s.user],
    ...['--known-hosts', servers.map((x) => x.knownHosts).join('\n')],
    ...['--private-key-file', s.privateKeyPath, '--app-name', 'shop']
  ];
  const stdout: string[] = [];
  const all: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      stdout.push(String(c));
      return all.push(String(c)) > 0;
    }),
    jest
      .spyOn(process.stderr, 'write')
      .mockImplementation((c: string | Uint8Array) => all.push(String(c)) > 0)
  ];
  let code: number;
  try {
    code = await cli([...args, ...flags]);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  const jsonLine = stdout
    .join('')
    .split('\n')
    .find((l) => l.startsWith('{"status"'));
  return { code, json: jsonLine ? (JSON.parse(jsonLine) as Record<string, string>) : {}, out: all.join('') };
}

beforeAll(async () => {
  servers = await Promise.all([bootServer(), bootServer()]);
  app = await appCopy();
});
afterAll(async () => {
  delete process.env.GITHUB_ACTOR;
  await Promise.all(servers.filter((s) => s).map((s) => stopServer(s)));
});

test('status --json after a deploy and a rollback: release, state, actor and commit on each server; a stopped service fails naming it', async () => {
  process.env.GITHUB_ACTOR = 'first-deployer';
  const one = await deploy(servers[0]!, app, { ...fleet(), commit: COMMIT_1 });
  expect(one.report.error).toBeUndefined();
  const r1 = one.report.hosts.map((h) => h.facts.release!);
  await editFile(app, 'app.py', (t) => `${t}\n# second\n`);
  process.env.GITHUB_ACTOR = 'second-deployer';
  const two = await deploy(servers[0]!, app, { ...fleet(), commit: COMMIT_2 });
  expect(two.report.error).toBeUndefined();
  const r2 = two.report.hosts.map((h) => h.facts.release!);

  const afterDeploy = await cliRun(['status', '--json', '--history', '5']);
  expect(afterDeploy.code).toBe(0);
  const hosts1 = JSON.parse(afterDeploy.json.hosts!) as Record<string, string>[];
  expect(
    hosts1.map((h) => [h.host, h.status, h.release, h.state, h.actor, h.commit, h.previous, h.health])
  ).toEqual(
    servers.map((s, i) => [s.host, 'healthy', r2[i], 'live', 'second-deployer', COMMIT_2, r1[i], '200'])
  );
  for (const h of hosts1) {
    expect(Number(h.workers)).toBeGreaterThan(0);
    expect(Number(h['rss-mb'])).toBeGreaterThan(1);
    expect(h.restarts).toBe('0');
    const history = JSON.parse(h.history!) as Record<string, string>[];
    // Newest first, each line saying who, from where, in which mode.
    expect(history.slice(0, 2).map((e) => [e.event, e.status, e.actor, e.mode, e.commit])).toEqual([
      ['deploy', 'deployed', 'second-deployer', 'deploy', COMMIT_2],
      ['deploy', 'deployed', 'first-deployer', 'deploy', COMMIT_1]
    ]);
    expect(history[0]!.origin).toMatch(/^cli@/);
  }

  process.env.GITHUB_ACTOR = 'the-roller-back';
  const back = await deploy(servers[0]!, app, { ...fleet(), mode: 'rollback' });
  expect(back.report.error).toBeUndefined();
  const afterRollback = await cliRun(['status', '--json']);
  expect(afterRollback.code).toBe(0);
  const hosts2 = JSON.parse(afterRollback.json.hosts!) as Record<string, string>[];
  expect(hosts2.map((h) => [h.release, h.state, h.actor, h.previous])).toEqual(
    servers.map((_, i) => [r1[i], 'live', 'the-roller-back', r2[i]])
  );

  // Read-only: nothing on the servers changed.
  const before = await onServer(
    servers[1]!,
    'ls -l --time-style=+%s /srv/shop /srv/shop/.deploy; md5sum /srv/shop/.deploy/history.log'
  );
  await onServer(servers[1]!, 'systemctl stop shop.service shop.socket');
  const stopped = await cliRun(['status', '--json']);
  expect(stopped.code).toBe(1);
  const hosts3 = JSON.parse(stopped.json.hosts!) as Record<string, string>[];
  expect(hosts3.map((h) => h.status)).toEqual(['healthy', 'unhealthy']);
  expect(stopped.out).toContain(`${servers[1]!.host} is unhealthy: the service is inactive/dead`);
  expect(
    await onServer(
      servers[1]!,
      'ls -l --time-style=+%s /srv/shop /srv/shop/.deploy; md5sum /srv/shop/.deploy/history.log'
    )
  ).toBe(before);
  await onServer(servers[1]!, 'systemctl start shop.socket shop.service');
});
