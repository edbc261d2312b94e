import { parseSettings } from '../../src/settings.js';
import { runEngine, type HostContext, type ModeStrategy, type RollingStrategy } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import type { Remote } from '../../src/ssh/types.js';

// How the engine treats a cancelled fleet rollout (the per-host work is the e2e tests' part):
// no new host or batch starts, and the servers already switched in this run go back.
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string> = {}) {
  const inputs: Record<string, string> = {
    host: 'web1, web2, web3',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    source: 'examples/flask-app',
    ...over
  };
  return parseSettings((n) => inputs[n] ?? '');
}

function fakeRemote(label: string): Remote {
  return {
    label,
    exec: async () => ({ code: 0, stdout: '', stderr: '', timedOut: false }),
    script: async () => ({ code: 0, stdout: '', stderr: '', timedOut: false }),
    upload: async () => ({ files: 0, bytes: 0, ms: 0 }),
    close: async () => undefined
  };
}

/** A rolling strategy that records what it was asked to do; `during` runs inside one host's phase. */
function recorder(during: Record<string, () => void> = {}) {
  const calls: string[] = [];
  const at = (what: string, ctx: HostContext): void => {
    calls.push(`${what} ${ctx.label}`);
    during[`${what} ${ctx.label}`]?.();
  };
  const rolling: RollingStrategy<unknown> = {
    prepare: async (ctx) => at('prepare', ctx),
    activate: async (ctx) => {
      at('activate', ctx);
      if (ctx.signal?.aborted) throw new Error('cancelled before the switch');
    },
    tidy: async (ctx) => at('tidy', ctx),
    undo: async (ctx) => at('undo', ctx),
    release: async (ctx) => at('release', ctx)
  };
  const strategy: ModeStrategy = {
    factKeys: [],
    okStatus: 'deployed',
    rolling,
    runHost: async () => undefined
  };
  return { calls, strategy };
}

test('cancelled while the second server prepares: the third is never touched, the first goes back', async () => {
  const cancel = new AbortController();
  const { calls, strategy } = recorder({ 'prepare web2': () => cancel.abort('SIGINT') });
  const connected: string[] = [];
  const { report } = await runEngine(settings(), {
    logger: memoryLogger(),
    signal: cancel.signal,
    strategy,
    connect: async (t) => (connected.push(t.host), fakeRemote(t.host))
  });
  expect(connected).toEqual(['web1', 'web2']);
  expect(calls).toEqual([
    'prepare web1',
    'activate web1',
    'tidy web1',
    'prepare web2',
    'activate web2',
    'undo web1',
    'release web1',
    'release web2'
  ]);
  expect(report.ok).toBe(false);
  expect(report.hosts.map((h) => h.status)).toEqual(['deployed', 'cancelled', 'not started']);
});

test('cancelled between batches: no new batch starts', async () => {
  const cancel = new AbortController();
  const { calls, strategy } = recorder({ 'tidy web1': () => cancel.abort('SIGTERM') });
  const { report } = await runEngine(settings({ 'rollback-scope': 'host' }), {
    logger: memoryLogger(),
    signal: cancel.signal,
    strategy,
    connect: async (t) => fakeRemote(t.host)
  });
  expect(calls).toEqual(['prepare web1', 'activate web1', 'tidy web1', 'release web1']);
  expect(report.ok).toBe(false);
  // The server the run stopped before says why; the run itself is cancelled, not "failed".
  expect(report.hosts.map((h) => h.status)).toEqual(['deployed', 'cancelled', 'not started']);
  expect(report.status).toBe('cancelled');
  expect(report.error).toMatch(/^web2: the run was cancelled \(SIGTERM\) before it reached web2/);
});

test('cancelled before the run reaches any server: nothing is connected', async () => {
  const cancel = new AbortController();
  cancel.abort('SIGINT');
  const connected: string[] = [];
  const { calls, strategy } = recorder();
  const { report } = await runEngine(settings(), {
    logger: memoryLogger(),
    signal: cancel.signal,
    strategy,
    connect: async (t) => (connected.push(t.host), fakeRemote(t.host))
  });
  expect(connected).toEqual([]);
  expect(calls).toEqual([]);
  expect(report.ok).toBe(false);
});
