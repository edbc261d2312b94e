import { jest } from '@jest/globals';
import { parseSettings } from '../../src/settings.js';
import type { HostContext, PhaseNote } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import { activateRelease, type PreparedRelease } from '../../src/modes/deploy-mode.js';
import { RecordingRemote } from '../support/recording-remote.js';
import { deployDouble } from '../support/deploy-double.js';

// activateRelease's branches, through the real steps (units, switch, verify, rollback, history),
// against a recording Remote that answers each step's script like a server would. What the
// scripts do on a real server is the e2e tests' part (deploy-faults, deploy-lifecycle).
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const OLD = '20261129T100000Z-aaaaaaa';
const NEW = '20261130T100000Z-bbbbbbb';

function setup(over: Record<string, string> = {}, opts: { previous?: string } = {}) {
  const inputs: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    source: 'examples/flask-app',
    ...over
  };
  const settings = parseSettings((n) => inputs[n] ?? '');
  const remote = new RecordingRemote('web1');
  const previous = opts.previous ?? OLD;
  const server = deployDouble(remote, {
    releases: previous ? { [previous]: 'live', [NEW]: 'built' } : { [NEW]: 'built' },
    current: previous
  });
  const logger = memoryLogger();
  const phases: PhaseNote['phase'][] = [];
  let status = 'deployed';
  const host: HostContext = {
    remote,
    settings,
    logger,
    label: 'web1',
    records: [],
    facts: {},
    setStatus: (s) => (status = s),
    notePhase: (n) => phases.push(n.phase)
  };
  const prepared: PreparedRelease = {
    lock: { release: jest.fn(async () => undefined) },
    up: { release: NEW, previous, previousVenv: 'v1', cores: 1, manifest: undefined },
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
  };
  const activate = (): Promise<unknown> =>
    activateRelease(host, prepared).then(
      () => undefined,
      (err: unknown) => err
    );
  return { ...server, remote, host, logger, phases, prepared, activate, status: () => status };
}

const stepRecords = (host: HostContext): string[] =>
  host.records.map((r) => `${r.name} ${r.ok ? 'ok' : 'failed'}`);

test('proven: switch, verify and the post-activate hook, nothing else', async () => {
  const t = setup({ 'post-activate': 'flask notify' });
  expect(await t.activate()).toBeUndefined();
  expect(t.steps()).toEqual(['units', `switch ${NEW}`, `verify ${NEW}`, 'hook']);
  expect(t.remote.calls[3]!.text).toContain("'flask notify'");
  expect(t.server.current).toBe(NEW);
  expect(t.server.states.get(NEW)).toBe('live');
  expect(t.phases).toEqual(['switching', 'switched', 'proven']);
  expect(t.host.facts).toMatchObject({ release: NEW, reload: 'hup' });
  expect(stepRecords(t.host)).toEqual(['units ok', 'switch ok', 'verify ok', 'post-activate ok']);
});

test('the switch fails: the previous release is booted, switched back and proven; the error says so', async () => {
  const t = setup();
  t.fail(`switch ${NEW}`, { code: 1, stderr: 'Job for shop.service failed' });
  const err = await t.activate();
  expect(String(err)).toMatch(
    new RegExp(
      `release ${NEW} failed and was rolled back; ${OLD} is serving and healthy\\. Why: switching to ${NEW} failed \\(exit 1\\)`
    )
  );
  // Gunicorn's last lines come with the error: why the release failed. After the way back, the
  // server's alert sender is called (a no-op where alert-webhook never set one up).
  expect(String(err)).toContain('Worker failed to boot');
  expect(t.steps()).toEqual([
    'units',
    `switch ${NEW}`,
    'log-tail',
    'states',
    `candidate ${OLD}`,
    `switch ${OLD}`,
    `verify ${OLD}`,
    'alert',
    'history'
  ]);
  expect(t.server.current).toBe(OLD);
  expect(t.server.states.get(NEW)).toBe('rolled-back');
  expect(t.server.history).toEqual([
    expect.objectContaining({ event: 'deploy', release: NEW, status: 'rolled-back', to: OLD })
  ]);
  expect(t.host.facts).toMatchObject({ release: OLD, 'rolled-back': 'true', 'failed-release': NEW });
  expect(t.status()).toBe('rolled-back');
  expect(t.phases).toEqual(['switching', 'rolled-back']);
  expect(stepRecords(t.host)).toEqual(['units ok', 'switch failed', 'rollback ok']);
});

test('verify fails, then the rollback succeeds: the old release serves again and the new one is never a target', async () => {
  const t = setup({ 'post-activate': 'flask notify' });
  t.fail(`verify ${NEW}`, { code: 1, stdout: 'why=0 of 2 new workers running (master pid 100)\n' });
  const err = await t.activate();
  expect(String(err)).toMatch(
    /was rolled back; .* Why: release .* is not live after \d+ s: 0 of 2 new workers running/
  );
  expect(t.steps()).toEqual([
    'units',
    `switch ${NEW}`,
    `verify ${NEW}`,
    'log-tail',
    'states',
    `candidate ${OLD}`,
    `switch ${OLD}`,
    `verify ${OLD}`,
    'alert',
    'history'
  ]);
  // A release that failed its proof never gets recorded live; the hook does not run.
  expect(t.server.states.get(NEW)).toBe('rolled-back');
  expect(t.server.current).toBe(OLD);
  expect(t.phases).toEqual(['switching', 'switched', 'rolled-back']);
  expect(t.host.facts['rollback-reason']).toMatch(/^release .* is not live/);
});

test('changed units: the way back puts the old ones back first, and returns with a restart', async () => {
  const t = setup();
  const unit = {
    path: '/etc/systemd/system/shop.service',
    content: '[Service]\n',
    mode: '0644',
    owner: 'root:root'
  };
  t.prepared.staged = { ...t.prepared.staged, files: [unit], changedFiles: [unit.path] };
  t.prepared.restart = true;
  t.fail(`verify ${NEW}`);
  await t.activate();
  expect(t.steps()).toEqual([
    'units',
    `switch ${NEW}`,
    `verify ${NEW}`,
    'log-tail',
    'states',
    'restore',
    `candidate ${OLD}`,
    `switch ${OLD}`,
    `verify ${OLD}`,
    'alert',
    'history'
  ]);
  const restore = t.remote.calls.find((c) => c.text.includes('config-previous/shop.service'))!;
  expect(restore.text).toContain('systemctl daemon-reload');
  // A new master was needed to leave the old venv or units, so one is needed to return.
  const back = t.remote.calls.filter(
    (c) => /^# switch\.sh$/m.test(c.text) && /^release_link='releases\/20261129/m.test(c.text)
  );
  expect(back).toHaveLength(1);
  expect(back[0]!.text).toMatch(/^restart='yes'$/m);
  expect(t.host.facts.reload).toBe('restart');
});

test('the rollback fails too: the error says the server needs attention, the history says the rollback failed', async () => {
  const t = setup();
  t.fail(`verify ${NEW}`);
  t.fail(`candidate ${OLD}`, { code: 0, stdout: 'candidate=refused\nwhy=/health answered 500\n' });
  const err = await t.activate();
  expect(String(err)).toMatch(
    new RegExp(`release ${NEW} failed \\(.*\\) and the rollback to ${OLD} failed too: .*answered 500`)
  );
  expect(String(err)).toContain('The server needs attention now: ssh in and run systemctl status shop');
  expect(t.steps()).toEqual([
    'units',
    `switch ${NEW}`,
    `verify ${NEW}`,
    'log-tail',
    'states',
    `candidate ${OLD}`,
    'serving',
    'history'
  ]);
  // The outputs tell what the server serves now: the failed release, still switched in.
  expect(t.host.facts).toMatchObject({ release: NEW, 'rolled-back': 'false' });
  expect(t.server.history).toEqual([
    expect.objectContaining({ event: 'rollback', release: OLD, from: NEW, status: 'failed' })
  ]);
  expect(t.server.history[0]!.why).toMatch(/; the rollback failed: /);
  expect(t.status()).toBe('deployed');
  expect(stepRecords(t.host)).toEqual(['units ok', 'switch ok', 'verify failed', 'rollback failed']);
});

test('no release proven live to go back to: the rollback refuses rather than switch to an unproven one', async () => {
  const t = setup();
  t.server.states.set(OLD, 'refused');
  t.fail(`verify ${NEW}`);
  const err = await t.activate();
  expect(String(err)).toMatch(/the rollback to .* failed too: no release proven live to go back to/);
  expect(t.steps().filter((s) => s.startsWith('switch'))).toEqual([`switch ${NEW}`]);
});

test('a first deploy that fails its proof: nothing to go back to, the history says failed', async () => {
  const t = setup({}, { previous: '' });
  t.fail(`verify ${NEW}`);
  const err = await t.activate();
  expect(String(err)).toMatch(
    new RegExp(`release ${NEW} failed and there is no previous release to roll back to`)
  );
  expect(t.steps()).toEqual(['units', `switch ${NEW}`, `verify ${NEW}`, 'log-tail', 'serving', 'history']);
  expect(t.server.history).toEqual([
    expect.objectContaining({ event: 'deploy', release: NEW, status: 'failed' })
  ]);
  expect(t.phases).toEqual(['switching', 'switched', 'failed']);
});

test('the post-activate hook fails: the release stays live (it is proven), the error says so', async () => {
  const t = setup({ 'post-activate': 'flask notify' });
  t.fail('hook', { code: 3 });
  const err = await t.activate();
  expect(String(err)).toMatch(/post-activate commands failed \(exit 3\)/);
  expect(String(err)).toContain('The new release is live');
  expect(t.steps()).toEqual(['units', `switch ${NEW}`, `verify ${NEW}`, 'hook']);
  expect(t.server.current).toBe(NEW);
  expect(t.server.states.get(NEW)).toBe('live');
  expect(t.phases).toEqual(['switching', 'switched', 'proven']);
  expect(stepRecords(t.host)).toEqual(['units ok', 'switch ok', 'verify ok', 'post-activate failed']);
});

test('cancelled before the switch: nothing live changes, the history says cancelled', async () => {
  const t = setup();
  const cancel = new AbortController();
  cancel.abort('SIGINT');
  t.host.signal = cancel.signal;
  const err = await t.activate();
  expect(String(err)).toMatch(/cancel/);
  expect(t.steps()).toEqual(['history']);
  expect(t.server.history).toEqual([expect.objectContaining({ event: 'deploy', status: 'cancelled' })]);
  expect(t.phases).toEqual(['cancelled']);
});
