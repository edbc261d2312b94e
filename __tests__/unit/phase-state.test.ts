import { actionState, formatPhase, needsRollback, parsePhase } from '../../src/phase-state.js';

// The post step of a killed run decides from these lines alone which servers to roll back.
test('a switched phase round-trips through the saved state and calls for a rollback', () => {
  const line = formatPhase('10.0.0.5:2222', {
    phase: 'switched',
    release: '20261130T100000Z-abcdef0',
    previous: '20261130T090000Z-1234567',
    restart: true,
    changed: ['/etc/shop/env', '/etc/systemd/system/shop.service']
  });
  expect(line).toBe(
    'host=10.0.0.5:2222 phase=switched release=20261130T100000Z-abcdef0 previous=20261130T090000Z-1234567 restart=1 changed=/etc/shop/env,/etc/systemd/system/shop.service'
  );
  const back = parsePhase(line)!;
  expect(back).toEqual({
    host: '10.0.0.5:2222',
    phase: 'switched',
    release: '20261130T100000Z-abcdef0',
    previous: '20261130T090000Z-1234567',
    restart: true,
    changed: ['/etc/shop/env', '/etc/systemd/system/shop.service']
  });
  expect(needsRollback(back)).toBe(true);
});

test('only switching/switched with a previous release is rolled back', () => {
  const at = (phase: string, previous = 'P'): boolean =>
    needsRollback(parsePhase(`host=h phase=${phase} release=R previous=${previous}`)!);
  expect(at('switching')).toBe(true);
  expect(at('switched')).toBe(true);
  for (const p of ['preparing', 'proven', 'rolled-back', 'failed', 'cancelled']) expect(at(p)).toBe(false);
  // A first deploy has nothing to go back to.
  expect(at('switched', '')).toBe(false);
  expect(parsePhase('')).toBeUndefined();
  expect(parsePhase('garbage')).toBeUndefined();
});

// The main step writes, the post step of the same job reads: both through actionState's names.
test("actionState: what the main step saves is what the post step reads, under the runner's state names", () => {
  const saved = new Map<string, string>();
  const store = {
    getState: (name: string) => saved.get(name) ?? '',
    saveState: (name: string, value: string) => void saved.set(name, value)
  };
  const post = actionState(store);
  expect([post.isPost(), post.run(), post.finished(), post.phase(0)]).toEqual([false, '', false, undefined]);
  const main = actionState(store);
  main.markMainStarted();
  main.saveRun('run-42');
  main.savePhase(1, '10.0.0.6', { phase: 'switched', release: 'R', previous: 'P' });
  expect([post.isPost(), post.run(), post.finished()]).toEqual([true, 'run-42', false]);
  expect(post.phase(1)).toEqual({ host: '10.0.0.6', phase: 'switched', release: 'R', previous: 'P' });
  main.markFinished();
  expect(post.finished()).toBe(true);
  // The names the runner keeps (index.ts tells main from post by isPost before loading either).
  expect([...saved.keys()].sort()).toEqual(['finished', 'isPost', 'phase-1', 'run']);
});

test('a run that died while moving the other processes says so: the post step moves them back too', () => {
  const line = formatPhase('h', { phase: 'switched', release: 'R', previous: 'P', processes: true });
  expect(line).toBe('host=h phase=switched release=R previous=P processes=1');
  expect(parsePhase(line)).toEqual({
    host: 'h',
    phase: 'switched',
    release: 'R',
    previous: 'P',
    processes: true
  });
  expect(parsePhase('host=h phase=switched release=R previous=P')!.processes).toBeUndefined();
});
