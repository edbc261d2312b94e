import { jest } from '@jest/globals';
import { parseSettings } from '../../src/settings.js';
import type { HostContext } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import { prepareRelease } from '../../src/modes/deploy-mode.js';
import { Planner, type PlanStep } from '../../src/modes/plan.js';
import { PREPARE_PLAN } from '../../src/modes/prepare-plan.js';
import type { StepName } from '../../src/steps/catalog.js';
import { QueueingRemote, RecordingRemote } from '../support/recording-remote.js';
import { prepareAnswers } from '../support/prepare-double.js';

// Prepare is one declared list (modes/prepare-plan.ts) run by a small planner (modes/plan.ts): what
// is sent ahead reaches the server in the list's order, up to the first step whose answer the
// runner needs. Driven here through the real steps against a Remote that records what is queued,
// as SshRemote takes it; what the scripts do on a server is the e2e tests' part (deploy-speed).
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const OLD = '20261129T100000Z-aaaaaaa';
const NEW = '20261130T100000Z-bbbbbbb';
const SOURCE = 'examples/flask-app';

async function prepare(over: Record<string, string> = {}, opts: { delta?: boolean; fail?: RegExp } = {}) {
  const inputs: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    source: SOURCE,
    ...over
  };
  const settings = parseSettings((n) => inputs[n] ?? '');
  const remote = new QueueingRemote('web1');
  await prepareAnswers(remote, settings, { previous: OLD, release: NEW }, opts);
  if (opts.fail) remote.on(opts.fail, { code: 1, stderr: 'it failed\n' });
  const host: HostContext = {
    remote,
    settings,
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    facts: {},
    setStatus: () => undefined
  };
  const lock = { release: jest.fn(async () => undefined) };
  const result = await prepareRelease(host, lock).then(
    (p) => p,
    (err: unknown) => err as Error
  );
  const ran = host.records.map((r) => `${r.name}${r.ok ? '' : ' failed'}`);
  return { remote, host, result, ran };
}

const planNames = PREPARE_PLAN.map((st) => st.name as string);

/** Queued names (groups joined) are in the plan's order: each name's plan index never goes back. */
function inPlanOrder(sent: string[]): boolean {
  const at = sent.filter((n) => n !== '?').flatMap((n) => n.split('+').map((x) => planNames.indexOf(x)));
  return at.every((i, k) => i >= 0 && (k === 0 || i >= at[k - 1]!));
}

test('a code-only delta: the prepare goes with the layout, the rest with the delta, the check is the candidate boot', async () => {
  const t = await prepare();
  expect(t.result).not.toBeInstanceOf(Error);
  // The two `?` are the upload's own (the finish; with files to send, the unpack too).
  // The group: the candidate's early boot (the backup step's first request) and the check.
  expect(t.remote.sentSteps()).toEqual(['upload', '?', 'venv', 'config', 'backup+check']);
  expect(inPlanOrder(t.remote.sentSteps())).toBe(true);
  expect(t.ran).toEqual([
    'layout',
    'upload',
    'venv',
    'config',
    'backup',
    'check',
    'pre-activate',
    'candidate'
  ]);
  // Every queued request was asked for by its step (each takes its answer), and the candidate
  // booted once: the check's request was the boot.
  for (const q of t.remote.sent) expect(t.remote.calls.filter((c) => c.text === q.text)).toHaveLength(1);
  // The layout's request starts the candidate's master warm (under the lock, before the upload);
  // the backup step gives it the go (or boots one cold) first; the check's request forks its worker.
  const layout = t.remote.calls.findIndex((c) => /^# layout\.sh$/m.test(c.text));
  expect(t.remote.calls.findIndex((c) => /^# candidate_warm\.sh$/m.test(c.text))).toBe(layout);
  // With a lock already held (provision's first deploy), the shell keeps the usual CPU share: only
  // a deploy of its own goes ahead of the app (deploy_ahead.sh; e2e deploy-speed shows that one).
  expect(t.remote.matching(/^# deploy_ahead\.sh$/m)).toHaveLength(0);
  expect(t.remote.matching(/^# candidate_warm\.sh$/m)).toHaveLength(1);
  expect(t.remote.matching(/^# candidate_boot\.sh$/m).map((c) => c.step)).toEqual(['backup']);
  expect(t.remote.matching(/^# candidate\.sh$/m).map((c) => c.step)).toEqual(['check']);
  // Both name this run's release id as asked, which ties the go to this run's warm start.
  const id = /^id='([^']+)'$/m;
  const warmId = id.exec(t.remote.matching(/^# candidate_warm\.sh$/m)[0]!.text)?.[1];
  expect(warmId).toMatch(/^\d{8}T\d{6}Z-/);
  expect(id.exec(t.remote.matching(/^# candidate_boot\.sh$/m)[0]!.text)?.[1]).toBe(warmId);
});

test('no warm start where the candidate is not the import check (a build command)', async () => {
  const t = await prepare({ build: 'make assets' });
  expect(t.result).not.toBeInstanceOf(Error);
  expect(t.remote.matching(/^# candidate_warm\.sh$/m)).toHaveLength(0);
});

test('a step that fails before the backup stops the warm master', async () => {
  const t = await prepare({ 'sqlite-db': 'app.db' }, { fail: /^# config_stage\.sh$/m });
  expect(t.result).toBeInstanceOf(Error);
  expect(t.ran).toEqual(['layout', 'upload', 'venv', 'config failed']);
  const stops = t.remote.matching(/^# candidate_stop\.sh$/m);
  expect(stops).toHaveLength(1);
  expect(stops[0]!.text).toMatch(/^go='\/run\/gunicorn-deploy-candidate-shop\.go'$/m);
});

test('with an SQLite database, the backup and the candidate boot go as one group', async () => {
  const t = await prepare({ 'sqlite-db': 'app.db' });
  expect(t.result).not.toBeInstanceOf(Error);
  expect(t.remote.sentSteps()).toEqual(['upload', '?', 'venv', 'config', 'backup+backup+check']);
});

test('a build command stops the queue: what follows must see what it built', async () => {
  const t = await prepare({ 'sqlite-db': 'app.db', build: 'make assets' });
  expect(t.result).not.toBeInstanceOf(Error);
  expect(t.remote.sentSteps()).toEqual(['upload', '?', 'venv', 'config']);
  expect(t.ran).toEqual([
    'layout',
    'upload',
    'venv',
    'config',
    'build',
    'backup',
    'check',
    'pre-activate',
    'candidate'
  ]);
});

test('a pre-activate hook: backup and check go ahead, the candidate waits for the migrations', async () => {
  const t = await prepare({ 'sqlite-db': 'app.db', 'pre-activate': 'flask db upgrade' });
  expect(t.result).not.toBeInstanceOf(Error);
  expect(t.remote.sentSteps()).toEqual(['upload', '?', 'venv', 'config', 'backup', 'check']);
  const hook = t.remote.calls.findIndex((c) => c.text.includes('flask db upgrade'));
  const boot = t.remote.calls.findIndex((c) => /^# candidate\.sh$/m.test(c.text));
  expect(hook).toBeGreaterThan(0);
  expect(boot).toBeGreaterThan(hook);
});

test('a whole-tree upload: the venv lookup carries what follows it, so it is not queued itself', async () => {
  const t = await prepare({}, { delta: false });
  expect(t.result).not.toBeInstanceOf(Error);
  expect(t.remote.sentSteps()).toEqual(['upload', 'config', 'backup+check']);
  const lookup = t.remote.calls.find((c) => /echo "hash=\$hash"/.test(c.text));
  expect(lookup?.opts).toMatchObject({ carry: true });
});

test('a backup that fails stops the candidate master booted beside it', async () => {
  const t = await prepare({ 'sqlite-db': 'app.db' }, { fail: /\.backup / });
  expect(t.result).toBeInstanceOf(Error);
  expect(t.ran).toEqual(['layout', 'upload', 'venv', 'config', 'backup failed']);
  const stops = t.remote.matching(/^# candidate_stop\.sh$/m);
  expect(stops).toHaveLength(1);
  expect(stops[0]!.text).toMatch(/^unit='gunicorn-deploy-candidate-shop'$/m);
});

test('a step that fails leaves the later steps unrun, and the release is refused', async () => {
  const t = await prepare({}, { fail: /^# candidate\.sh$/m });
  expect(t.result).toBeInstanceOf(Error);
  expect(t.ran).toEqual(['layout', 'upload', 'venv', 'config', 'backup', 'check failed']);
});

/** A plan of stand-in steps: each sends `NAME` and records its run. */
function toyPlan(extra: Partial<Record<string, Partial<PlanStep<string[]>>>> = {}): PlanStep<string[]>[] {
  const names: StepName[] = ['layout', 'upload', 'venv', 'config', 'backup', 'check', 'candidate'];
  return names.map((name) => ({
    name,
    request: () => [{ text: name, opts: { sudo: true } }],
    run: async (ran) => void ran.push(name),
    ...extra[name]
  }));
}

test('the planner sends every request up to the first barrier, then the next stretch after it', async () => {
  const remote = new QueueingRemote('web1');
  const ran: string[] = [];
  const plan = new Planner(
    toyPlan({ upload: { barrier: () => true }, venv: { carries: true }, check: { when: () => false } }),
    remote,
    ran
  );
  plan.sendAfter('layout');
  expect(remote.sentSteps()).toEqual(['upload']);
  await plan.run((_name, fn) => fn());
  // After the barrier, the venv's own call carries the rest; the check does not happen at all.
  expect(remote.sentSteps()).toEqual(['upload', 'config', 'backup', 'candidate']);
  expect(ran).toEqual(['layout', 'upload', 'venv', 'config', 'backup', 'candidate']);
});

test('adding a step is one entry: its request goes in its place, never after the ones behind it', async () => {
  const remote = new QueueingRemote('web1');
  const steps = toyPlan();
  steps.splice(4, 0, {
    name: 'build',
    request: () => [{ text: 'build', opts: { sudo: true } }],
    run: async () => {}
  });
  const plan = new Planner(steps, remote, []);
  plan.sendAfter('layout');
  expect(remote.sentSteps()).toEqual(['upload', 'venv', 'config', 'build', 'backup', 'check', 'candidate']);
});

test('together steps go as one group; a Remote that cannot queue gets nothing and every step runs', async () => {
  const remote = new QueueingRemote('web1');
  const plan = new Planner(
    toyPlan({ backup: { together: () => true }, check: { together: () => true } }),
    remote,
    []
  );
  plan.sendAfter('layout');
  expect(remote.sentSteps()).toEqual(['upload', 'venv', 'config', 'backup+check', 'candidate']);
  const plain = new RecordingRemote('web1');
  const ran: string[] = [];
  await new Planner(toyPlan(), plain, ran).run((_n, fn) => fn());
  expect(ran).toHaveLength(7);
});
