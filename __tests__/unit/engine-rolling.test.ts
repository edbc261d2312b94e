import { parseSettings } from '../../src/settings.js';
import { runEngine } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import { fakeConnector } from '../support/recording-remote.js';
import { scriptedStrategy } from '../support/scripted-strategy.js';

// The engine's rollout over several servers (runRolling), driven through runEngine with a fake
// connector and a strategy that only records its phases: which servers go together, in which
// order, and what goes back when one fails. What each phase does on a server is deploy-activate's
// and the e2e tests' part.
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(hosts: number, over: Record<string, string> = {}) {
  const inputs: Record<string, string> = {
    host: Array.from({ length: hosts }, (_, i) => `web${i + 1}`).join(', '),
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    source: 'examples/flask-app',
    ...over
  };
  return parseSettings((n) => inputs[n] ?? '');
}

const boom = (what: string) => (): void => {
  throw new Error(what);
};

async function run(
  hosts: number,
  over: Record<string, string>,
  during: Parameters<typeof scriptedStrategy>[0] = {},
  opts: { refuse?: string[]; signal?: AbortSignal; fake?: ReturnType<typeof fakeConnector> } = {}
) {
  const s = scriptedStrategy(during);
  const fake = opts.fake ?? fakeConnector({ refuse: opts.refuse });
  const logger = memoryLogger();
  const { report } = await runEngine(settings(hosts, over), {
    logger,
    strategy: s.strategy,
    connect: fake.connect,
    signal: opts.signal
  });
  const at = (e: string): number => {
    const i = s.events.indexOf(e);
    if (i < 0) throw new Error(`no event "${e}" in:\n${s.events.join('\n')}`);
    return i;
  };
  return {
    ...s,
    fake,
    report,
    logger,
    at,
    phases: (p: string) => s.calls().filter((c) => c.startsWith(`${p} `))
  };
}

describe('batches', () => {
  test('a canary is prepared, switched and proven alone before any other server is touched', async () => {
    const r = await run(4, { canary: 'true', 'max-parallel': '3' });
    expect(r.report.ok).toBe(true);
    expect(r.fake.connected).toEqual(['web1', 'web2', 'web3', 'web4']);
    // Nothing of the second batch starts (not even the connection) before the canary is proven.
    const canaryProven = r.at('end activate web1');
    for (const h of ['web2', 'web3', 'web4'])
      expect(r.at(`start prepare ${h}`)).toBeGreaterThan(canaryProven);
    expect(r.fake.journal).toEqual([]);
    // The rest is one batch of three: prepared together, then switched together.
    const ends = ['web2', 'web3', 'web4'].map((h) => r.at(`end prepare ${h}`));
    for (const h of ['web2', 'web3', 'web4']) {
      expect(r.at(`start prepare ${h}`)).toBeLessThan(Math.min(...ends));
      expect(r.at(`start activate ${h}`)).toBeGreaterThan(Math.max(...ends));
    }
    expect(r.report.hosts.map((h) => h.status)).toEqual(['deployed', 'deployed', 'deployed', 'deployed']);
  });

  test('a failing canary stops the run: no other server is connected', async () => {
    const r = await run(
      3,
      { canary: 'true', 'max-parallel': '2' },
      { 'activate web1': boom('web1 not live') }
    );
    expect(r.fake.connected).toEqual(['web1']);
    expect(r.calls()).toEqual(['prepare web1', 'activate web1', 'release web1']);
    expect(r.report.hosts.map((h) => h.status)).toEqual(['failed', 'not started', 'not started']);
    expect(r.report.error).toMatch(/^web1: web1 not live/);
  });

  test('max-parallel: servers go in batches of that size, in the order given, each batch proven before the next', async () => {
    const r = await run(5, { 'max-parallel': '2' });
    expect(r.report.ok).toBe(true);
    const batches = [['web1', 'web2'], ['web3', 'web4'], ['web5']];
    batches.forEach((batch, k) => {
      // Together: every prepare of the batch starts before any of them ends, every switch after all.
      for (const h of batch) {
        expect(r.at(`start prepare ${h}`)).toBeLessThan(
          Math.min(...batch.map((o) => r.at(`end prepare ${o}`)))
        );
        expect(r.at(`start activate ${h}`)).toBeGreaterThan(
          Math.max(...batch.map((o) => r.at(`end prepare ${o}`)))
        );
      }
      // After the previous batch is proven live, never before.
      const before = batches[k - 1];
      if (before)
        for (const h of batch)
          expect(r.at(`start prepare ${h}`)).toBeGreaterThan(
            Math.max(...before.map((o) => r.at(`end activate ${o}`)))
          );
    });
    expect(r.phases('activate')).toEqual([
      'activate web1',
      'activate web2',
      'activate web3',
      'activate web4',
      'activate web5'
    ]);
    // Every proven server is tidied, every prepared one released (the lock), whatever the order.
    expect(r.phases('tidy').sort()).toEqual([
      'tidy web1',
      'tidy web2',
      'tidy web3',
      'tidy web4',
      'tidy web5'
    ]);
    expect(r.phases('release').sort()).toEqual([
      'release web1',
      'release web2',
      'release web3',
      'release web4',
      'release web5'
    ]);
  });

  test('max-parallel 1 (the default): one server at a time', async () => {
    const r = await run(3, {});
    for (const [a, b] of [
      ['web1', 'web2'],
      ['web2', 'web3']
    ])
      expect(r.at(`start prepare ${b!}`)).toBeGreaterThan(r.at(`end activate ${a!}`));
  });
});

describe('rollback scope', () => {
  test('all (the default): the servers switched in this run go back, newest first; untouched ones stay untouched', async () => {
    const r = await run(
      4,
      {},
      {
        'activate web4': boom('web4 not live'),
        // A slow tidy (prune and the history line) is still waited for before the way back.
        'tidy web3': () => new Promise((done) => setTimeout(done, 50))
      }
    );
    expect(r.phases('undo')).toEqual(['undo web3', 'undo web2', 'undo web1']);
    // Every undo after every tidy: a server's history gets its deploy line before its rollback line.
    const lastTidy = Math.max(...['web1', 'web2', 'web3'].map((h) => r.at(`end tidy ${h}`)));
    expect(r.at('start undo web3')).toBeGreaterThan(lastTidy);
    // The lock is let go only after the way back.
    expect(r.at('start release web1')).toBeGreaterThan(r.at('end undo web1'));
    expect(r.report.ok).toBe(false);
    expect(r.report.hosts.map((h) => h.ok)).toEqual([false, false, false, false]);
    expect(r.report.hosts[3]!.status).toBe('failed');
    expect([...r.fake.remotes.values()].every((x) => x.closed)).toBe(true);
  });

  test('all, in batches: the reverse of the order the servers were switched in', async () => {
    const r = await run(5, { 'max-parallel': '2' }, { 'activate web5': boom('web5 not live') });
    expect(r.phases('undo')).toEqual(['undo web4', 'undo web3', 'undo web2', 'undo web1']);
  });

  test('all: the servers of the failing batch that did switch go back too', async () => {
    const r = await run(3, { 'max-parallel': '3' }, { 'activate web2': boom('web2 not live') });
    expect(r.phases('undo').sort()).toEqual(['undo web1', 'undo web3']);
    expect(r.report.hosts.map((h) => h.status)).toEqual(['deployed', 'failed', 'deployed']);
    expect(r.report.hosts.map((h) => h.ok)).toEqual([false, false, false]);
  });

  test('the error names the servers that went back', async () => {
    const r = await run(
      3,
      {},
      {
        'activate web3': boom('web3 not live'),
        // The real undo says so in the facts (deploy-mode's undoRelease).
        'undo web1': (ctx) => void (ctx.facts['rolled-back'] = 'true'),
        'undo web2': (ctx) => void (ctx.facts['rolled-back'] = 'true')
      }
    );
    expect(r.report.error).toMatch(/^web3: web3 not live\n/);
    expect(r.report.error).toMatch(
      /\nRolled back on the servers already switched in this run: web1, web2\.$/
    );
  });

  test('host: only the failing server goes back (its own activate does that); the others keep the new release', async () => {
    const r = await run(4, { 'rollback-scope': 'host' }, { 'activate web3': boom('web3 not live') });
    expect(r.phases('undo')).toEqual([]);
    expect(r.fake.connected).toEqual(['web1', 'web2', 'web3']);
    expect(r.report.hosts.map((h) => h.ok)).toEqual([true, true, false, false]);
    expect(r.report.hosts.map((h) => h.status)).toEqual(['deployed', 'deployed', 'failed', 'not started']);
  });
});

describe('a server failing at each phase', () => {
  test('connect: the servers before it go back, the ones after are never reached', async () => {
    const r = await run(3, {}, {}, { refuse: ['web2'] });
    expect(r.fake.connected).toEqual(['web1', 'web2']);
    expect(r.calls()).toEqual(['prepare web1', 'activate web1', 'tidy web1', 'undo web1', 'release web1']);
    const web2 = r.report.hosts[1]!;
    expect(web2.status).toBe('failed');
    expect(web2.steps).toEqual([expect.objectContaining({ name: 'connect', ok: false })]);
    expect(web2.error).toMatch(/ECONNREFUSED/);
  });

  test('prepare: nothing of its batch switches; the others of the batch are released, not undone', async () => {
    const r = await run(3, { 'max-parallel': '3' }, { 'prepare web2': boom('venv failed') });
    expect(r.phases('activate')).toEqual([]);
    expect(r.phases('undo')).toEqual([]);
    // web2 never got a prepared release, so there is nothing of it to release.
    expect(r.phases('release').sort()).toEqual(['release web1', 'release web3']);
    // The others were ready but never switched: their old release serves, so not "deployed".
    expect(r.report.hosts.map((h) => h.status)).toEqual(['not switched', 'failed', 'not switched']);
    expect(r.report.hosts.map((h) => h.ok)).toEqual([false, false, false]);
    expect(r.report.error).toMatch(/^web2: venv failed/);
  });

  test('prepare, after an earlier batch switched: that batch goes back', async () => {
    const r = await run(3, {}, { 'prepare web3': boom('upload failed') });
    expect(r.phases('undo')).toEqual(['undo web2', 'undo web1']);
    expect(r.phases('release').sort()).toEqual(['release web1', 'release web2']);
  });

  test('activate: the failing server is not undone by the engine (activate rolls itself back)', async () => {
    const r = await run(2, {}, { 'activate web2': boom('not live') });
    expect(r.phases('undo')).toEqual(['undo web1']);
  });

  test('after proven (tidy): a warning, the run still succeeds and nothing goes back', async () => {
    const r = await run(2, {}, { 'tidy web1': boom('prune failed') });
    expect(r.report.ok).toBe(true);
    expect(r.phases('undo')).toEqual([]);
    expect(r.phases('activate')).toEqual(['activate web1', 'activate web2']);
    expect(r.logger.lines).toContain('warning: web1: prune failed');
  });

  test('undo: a server that cannot go back is reported failed, and the others still go back', async () => {
    const r = await run(
      3,
      {},
      { 'activate web3': boom('web3 not live'), 'undo web2': boom('no live release') }
    );
    expect(r.phases('undo')).toEqual(['undo web2', 'undo web1']);
    const web2 = r.report.hosts[1]!;
    expect(web2.ok).toBe(false);
    expect(web2.status).toBe('failed');
    expect(web2.error).toMatch(/^rolling back after web3 failed: web3 not live failed: no live release/);
    expect(r.report.hosts[0]!.error).toBeUndefined();
    expect(r.phases('release').sort()).toEqual(['release web1', 'release web2', 'release web3']);
  });
});

describe('cancellation', () => {
  test('between batches with rollback-scope all: no new batch, the switched batch goes back', async () => {
    const cancel = new AbortController();
    const r = await run(
      4,
      { 'max-parallel': '2' },
      { 'activate web2': () => cancel.abort('SIGTERM') },
      { signal: cancel.signal }
    );
    // The batch in flight finishes its switch (a switch is never cut in half), then both go back.
    expect(r.phases('activate')).toEqual(['activate web1', 'activate web2']);
    expect(r.fake.connected).toEqual(['web1', 'web2']);
    expect(r.phases('undo')).toEqual(['undo web2', 'undo web1']);
    expect(r.report.ok).toBe(false);
    expect(r.report.hosts.map((h) => h.status)).toEqual(['deployed', 'deployed', 'cancelled', 'not started']);
    expect(r.report.status).toBe('cancelled');
    expect(r.report.error).toMatch(/the run was cancelled \(SIGTERM\) before it reached web3/);
  });

  test('during a prepare: the prepare sees a cancellable server, and nothing switches', async () => {
    const cancel = new AbortController();
    const fake = fakeConnector();
    const r = await run(
      2,
      { 'max-parallel': '2' },
      {
        'prepare web1': async (ctx) => {
          cancel.abort('SIGINT');
          // abortable(): every command a prepare sends carries the run's signal, so it is ended.
          await expect(ctx.remote.exec('pip install')).rejects.toThrow(/cancelled/);
          throw new Error('cancelled during the upload');
        }
      },
      { signal: cancel.signal, fake }
    );
    expect(fake.remotes.get('web1')!.calls[0]!.opts!.signal).toBe(cancel.signal);
    expect(r.phases('activate')).toEqual([]);
    expect(r.report.hosts[0]!.status).toBe('cancelled');
  });
});

describe('modes without a rolling strategy (one host after another)', () => {
  async function runHosts(mode: string, failOn: string) {
    const seen: string[] = [];
    const fake = fakeConnector();
    const { report } = await runEngine(settings(3, { mode }), {
      logger: memoryLogger(),
      connect: fake.connect,
      strategy: {
        factKeys: [],
        okStatus: 'ok',
        runHost: async (ctx) => {
          seen.push(ctx.label);
          if (ctx.label === failOn) throw new Error(`${ctx.label} is red`);
        }
      }
    });
    return { seen, report, fake };
  }

  test('a failure stops the run: the servers after it are not touched', async () => {
    const r = await runHosts('rollback', 'web2');
    expect(r.seen).toEqual(['web1', 'web2']);
    expect(r.fake.connected).toEqual(['web1', 'web2']);
    expect(r.report.hosts.map((h) => h.status)).toEqual(['ok', 'failed', 'not started']);
  });

  test.each(['verify', 'preflight'])('%s looks at every server, whatever one of them shows', async (mode) => {
    const r = await runHosts(mode, 'web1');
    expect(r.seen).toEqual(['web1', 'web2', 'web3']);
    expect(r.report.hosts.map((h) => h.ok)).toEqual([false, true, true]);
    expect(r.report.ok).toBe(false);
  });

  test('every connection is closed at the end, failed run or not', async () => {
    const r = await runHosts('rollback', 'web2');
    expect([...r.fake.remotes.values()].map((x) => x.closed)).toEqual([true, true]);
  });
});
