import { jest } from '@jest/globals';
import type { Writable } from 'node:stream';
import type { ExecOptions } from '../../src/ssh/types.js';
import { parseSettings } from '../../src/settings.js';
import type { HostContext } from '../../src/engine.js';
import { memoryLogger } from '../../src/log.js';
import { deployMode } from '../../src/modes/deploy-mode.js';
import { runFirstDeploy } from '../../src/provision/first-deploy.js';
import { QueueingRemote } from '../support/recording-remote.js';
import { deployDouble } from '../support/deploy-double.js';
import { prepareAnswers } from '../support/prepare-double.js';

// One activate-then-tidy (modes/go-live.ts) for every way a release goes live. A release proven
// healthy whose post-activate hook then fails is live: it keeps serving and gets its history line,
// its release record and its prune, whichever way it went live. The fleet's case is in
// deploy-rolling.test.ts; here, a deploy's own host run and provision's first deploy, through the
// real steps (prepare included) against a server double.
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const OLD = '20261129T100000Z-aaaaaaa';
const NEW = '20261130T100000Z-bbbbbbb';

async function setup(over: Record<string, string> = {}) {
  const inputs: Record<string, string> = {
    host: 'web1',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    source: 'examples/flask-app',
    'post-activate': 'flask notify',
    ...over
  };
  const settings = parseSettings((n) => inputs[n] ?? '');
  const remote = new QueueingRemote('web1');
  const d = deployDouble(remote, { releases: { [OLD]: 'live' }, current: OLD });
  await prepareAnswers(remote, settings, { previous: OLD, release: NEW });
  // The lock holder says it holds the lock, and ends when its stdin is closed (the release).
  remote.on(
    (c) => (c.opts as ExecOptions | undefined)?.onStdout !== undefined,
    (c) => {
      const o = c.opts as ExecOptions;
      o.onStdout!('locked=yes\n');
      return new Promise((done) => (o.stdin as unknown as Writable).on('finish', () => done({})));
    }
  );
  const host: HostContext = {
    remote,
    settings,
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    facts: {},
    setStatus: () => undefined
  };
  return { ...d, remote, host };
}

const lock = () => ({ release: jest.fn(async () => undefined) });

test.each([
  ['provision (first deploy)', (host: HostContext) => runFirstDeploy(host, lock())],
  ['deploy (one host)', (host: HostContext) => deployMode.runHost(host)]
])(
  '%s: post-activate fails after the proof: live, recorded live, pruned, and the error says so',
  async (_what, run) => {
    const t = await setup();
    t.fail('hook');
    const err = await run(t.host).then(
      () => undefined,
      (e: unknown) => e as Error
    );
    expect(err?.message).toMatch(/post-activate commands failed/);
    expect(t.server.current).toBe(NEW);
    expect(t.server.states.get(NEW)).toBe('live');
    expect(t.server.history.map((h) => `${h.event} ${h.release} ${h.status}`)).toEqual([
      `deploy ${NEW} deployed`
    ]);
    expect(t.host.records.map((r) => r.name).slice(-2)).toEqual(['post-activate', 'prune']);
  }
);
