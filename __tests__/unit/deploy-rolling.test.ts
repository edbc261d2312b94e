import { jest } from '@jest/globals';
import { parseSettings } from '../../src/settings.js';
import { runEngine, type HostContext, type ModeStrategy, type RollingStrategy } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import { deployMode, type PreparedRelease } from '../../src/modes/deploy-mode.js';
import { fakeConnector, type RecordingRemote } from '../support/recording-remote.js';
import { deployDouble, stepOf } from '../support/deploy-double.js';

// A fleet rollout through the engine and the deploy mode's real activate, tidy and undo, each
// server a recording Remote answering like a deploy server (deploy-double). Only prepare is
// replaced (upload, venv, checks: the e2e tests' part): it hands over a release already built.
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const OLD = '20261129T100000Z-aaaaaaa';
const NEW = '20261130T100000Z-bbbbbbb';

function prepareBuilt(ctx: HostContext): Promise<PreparedRelease> {
  ctx.facts['rolled-back'] = 'false';
  ctx.facts.release = OLD;
  ctx.facts['previous-release'] = OLD;
  return Promise.resolve({
    lock: { release: jest.fn(async () => undefined) },
    up: { release: NEW, previous: OLD, previousVenv: 'v1', cores: 1, manifest: undefined },
    release: NEW,
    staged: {
      files: [],
      changedFiles: [],
      envFile: '/etc/shop/staged/env',
      gunicornConf: '/etc/shop/staged/gunicorn.conf.py',
      stagedDir: '/etc/shop/staged',
      previousDir: '/srv/shop/.deploy/config-previous'
    },
    restart: false,
    migrated: ''
  });
}

async function rollout(
  hosts: number,
  over: Record<string, string>,
  failing: (host: string) => string | undefined
) {
  const inputs: Record<string, string> = {
    host: Array.from({ length: hosts }, (_, i) => `web${i + 1}`).join(', '),
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    source: 'examples/flask-app',
    ...over
  };
  const doubles = new Map<string, ReturnType<typeof deployDouble>>();
  const fake = fakeConnector({
    onConnect: (remote: RecordingRemote) => {
      const d = deployDouble(remote, { releases: { [OLD]: 'live', [NEW]: 'built' }, current: OLD });
      const step = failing(remote.label);
      if (step) d.fail(step);
      doubles.set(remote.label, d);
    }
  });
  const real = deployMode.rolling as RollingStrategy<PreparedRelease>;
  const strategy: ModeStrategy = {
    ...deployMode,
    rolling: { ...real, prepare: prepareBuilt } as RollingStrategy<unknown>
  };
  const { report } = await runEngine(
    parseSettings((n) => inputs[n] ?? ''),
    { logger: memoryLogger(), strategy, connect: fake.connect }
  );
  const server = (h: string) => doubles.get(h)!.server;
  return { report, fake, doubles, server };
}

test('every server proven: each serves the new release, recorded live, with its deploy line', async () => {
  const r = await rollout(3, { 'max-parallel': '2' }, () => undefined);
  expect(r.report.ok).toBe(true);
  for (const h of ['web1', 'web2', 'web3']) {
    expect(r.server(h).current).toBe(NEW);
    expect(r.server(h).states.get(NEW)).toBe('live');
    expect(r.server(h).history).toEqual([
      expect.objectContaining({ event: 'deploy', release: NEW, status: 'deployed' })
    ]);
  }
  expect(r.report.hosts.map((h) => h.facts.release)).toEqual([NEW, NEW, NEW]);
});

test('rollback-scope all: the failing server rolls itself back, the switched ones go back newest first', async () => {
  const r = await rollout(3, {}, (h) => (h === 'web3' ? `verify ${NEW}` : undefined));
  expect(r.report.ok).toBe(false);
  for (const h of ['web1', 'web2', 'web3']) {
    expect(r.server(h).current).toBe(OLD);
    expect(r.server(h).states.get(NEW)).toBe('rolled-back');
  }
  // Its deploy line first, then the rollback line naming the server that failed.
  expect(r.server('web1').history).toEqual([
    expect.objectContaining({ event: 'deploy', status: 'deployed' }),
    expect.objectContaining({ event: 'rollback', release: OLD, from: NEW, status: 'rolled-back' })
  ]);
  expect(r.server('web1').history[1]!.why).toMatch(/^web3 failed: release .* failed and was rolled back/);
  expect(r.server('web3').history).toEqual([
    expect.objectContaining({ event: 'deploy', status: 'rolled-back' })
  ]);
  // Undo order across the fleet: web2's way back starts before web1's.
  const switchesBack = r.fake.journal.filter((c) => stepOf(c) === `switch ${OLD}`).map((c) => c.host);
  expect(switchesBack).toEqual(['web3', 'web2', 'web1']);
  expect(r.report.hosts.map((h) => h.status)).toEqual(['rolled-back', 'rolled-back', 'rolled-back']);
  expect(r.report.hosts.map((h) => h.facts['rolled-back'])).toEqual(['true', 'true', 'true']);
  expect(r.report.error).toMatch(/\nRolled back on the servers already switched in this run: web1, web2\.$/);
});

test('rollback-scope host: only the failing server goes back', async () => {
  const r = await rollout(3, { 'rollback-scope': 'host' }, (h) =>
    h === 'web2' ? `switch ${NEW}` : undefined
  );
  expect(r.server('web1').current).toBe(NEW);
  expect(r.server('web2').current).toBe(OLD);
  expect(r.fake.connected).toEqual(['web1', 'web2']);
  expect(r.report.hosts.map((h) => h.status)).toEqual(['deployed', 'rolled-back', 'not started']);
});

test('a switched server that cannot go back is reported, and the rest still go back', async () => {
  // web2's way back finds its previous release refused on the candidate boot.
  const r = await rollout(3, {}, (h) =>
    h === 'web3' ? `verify ${NEW}` : h === 'web2' ? `candidate ${OLD}` : undefined
  );
  expect(r.server('web1').current).toBe(OLD);
  expect(r.server('web2').current).toBe(NEW);
  const web2 = r.report.hosts[1]!;
  expect(web2.ok).toBe(false);
  expect(web2.error).toMatch(
    /^rolling back after web3 failed: .* failed: release .* was refused before the switch/
  );
});

test('after proven: a failed prune is a warning; the release stays live and its deploy line is still written', async () => {
  const r = await rollout(2, {}, (h) => (h === 'web1' ? 'prune' : undefined));
  expect(r.report.ok).toBe(true);
  expect(r.server('web1').current).toBe(NEW);
  expect(r.server('web1').history).toEqual([
    expect.objectContaining({ event: 'deploy', status: 'deployed' })
  ]);
  expect(r.server('web2').current).toBe(NEW);
});

test('a failing post-activate hook, rollback-scope all: the fleet goes back together, that server too', async () => {
  const r = await rollout(3, { 'post-activate': 'flask notify' }, (h) => (h === 'web2' ? 'hook' : undefined));
  expect(r.report.ok).toBe(false);
  // web2 was switched and proven before its hook failed: it was live, so it goes back with web1
  // (before this, it stayed on the new release while web1 went back: two releases in one fleet).
  expect(r.server('web1').current).toBe(OLD);
  expect(r.server('web2').current).toBe(OLD);
  expect(r.server('web2').history.map((h) => `${h.event} ${h.status}`)).toEqual([
    'deploy deployed',
    'rollback rolled-back'
  ]);
  expect(r.report.hosts.slice(1).map((h) => h.status)).toEqual(['rolled-back', 'not started']);
  expect(r.report.error).toMatch(
    /^web2: post-activate commands failed \(exit 1\)[^]*\nThe new release is live/
  );
});

test('a failing post-activate hook, rollback-scope host: that server keeps the proven release, recorded live', async () => {
  const r = await rollout(3, { 'post-activate': 'flask notify', 'rollback-scope': 'host' }, (h) =>
    h === 'web2' ? 'hook' : undefined
  );
  expect(r.report.ok).toBe(false);
  expect(r.server('web1').current).toBe(NEW);
  expect(r.server('web2').current).toBe(NEW);
  expect(r.server('web2').states.get(NEW)).toBe('live');
  // Its deploy line is written although the run failed: the release is live.
  expect(r.server('web2').history.map((h) => `${h.event} ${h.status}`)).toEqual(['deploy deployed']);
  expect(r.report.hosts.slice(1).map((h) => h.status)).toEqual(['failed', 'not started']);
});
