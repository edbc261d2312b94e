import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { appLayout } from '../../src/deploy/paths.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError } from '../../src/settings.js';
import { runOrigin, runUrl } from '../../src/audit/origin.js';
import { auditFields, historyCommand } from '../../src/steps/history.js';
import { parseHistory, servingEntry, statusFacts, unhealthyReason } from '../../src/status/facts.js';
import { statusScript } from '../../src/status/script.js';
import { logsScript } from '../../src/status/logs-script.js';
import { templatesDir } from '../../src/render/templates-dir.js';
import type { Remote } from '../../src/ssh/types.js';
import type { HostReport, RunReport } from '../../src/report.js';
import type { StepName } from '../../src/steps/catalog.js';
import { notification, outcomeOf } from '../../src/notify/webhook.js';
import { secretValues } from '../../src/engine.js';

const base = {
  host: '10.0.0.5',
  'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
  'host-fingerprint': 'SHA256:' + 'A'.repeat(43),
  'app-name': 'shop'
};

function ctxWith(inputs: Record<string, string>): DeployContext {
  const all: Record<string, string> = { ...base, ...inputs };
  const settings = parseSettings((n) => all[n] ?? '');
  return {
    remote: {} as Remote,
    settings,
    logger: memoryLogger(),
    label: 'h1',
    records: [],
    paths: appLayout(settings),
    facts: {}
  };
}

const bashOk = (text: string, shell = 'bash'): void => {
  const r = spawnSync(shell, ['-n'], { input: text, encoding: 'utf8' });
  expect(r.stderr).toBe('');
};

test('who and from where: GitHub actor, repository and run URL; from a terminal the local user and host', () => {
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'octocat',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '2'
  };
  expect(runOrigin(env)).toEqual({
    actor: 'octocat',
    from: 'acme/shop',
    run: 'https://github.com/acme/shop/actions/runs/42/attempts/2'
  });
  expect(runUrl({})).toBe('');
  const local = runOrigin({});
  expect(local.from).toMatch(/^cli@/);
  expect(local.actor).not.toBe('');
  expect(runOrigin({ GITHUB_ACTOR: 'x'.repeat(500) }).actor.length).toBeLessThanOrEqual(200);
});

test('every history line carries the audit fields; the entry keeps its own from/previous', () => {
  const ctx = ctxWith({ commit: 'a'.repeat(40), mode: 'rollback' });
  expect(auditFields(ctx)).toMatchObject({ mode: 'rollback', commit: 'a'.repeat(40) });
  const cmd = historyCommand(ctx, { event: 'rollback', from: 'R2', status: 'rolled-back' });
  const line = JSON.parse(/'(\{.*\})'/.exec(cmd)![1]!) as Record<string, string>;
  expect(line).toMatchObject({ event: 'rollback', from: 'R2', mode: 'rollback', actor: expect.any(String) });
  expect(line.origin).toBeTruthy();
});

test('status facts: the serving release, who deployed it, the previous one; a torn history line is skipped', () => {
  const history = [
    JSON.stringify({ event: 'deploy', release: 'R1', status: 'deployed', actor: 'ann', commit: 'c1' }),
    '{"event": "deploy", "rel',
    JSON.stringify({
      event: 'deploy',
      release: 'R2',
      previous: 'R1',
      status: 'deployed',
      actor: 'bob',
      commit: 'c2'
    }),
    JSON.stringify({ event: 'deploy', release: 'R3', status: 'rolled-back', actor: 'cy' }),
    JSON.stringify({ event: 'rollback', release: 'R1', previous: 'R2', status: 'rolled-back', actor: 'dee' })
  ].join('\n');
  expect(parseHistory(history)).toHaveLength(4);
  expect(servingEntry(parseHistory(history), 'R2')!.actor).toBe('bob');
  const out = `now=1000\nrelease=R1\nstate=live\nsince=900\nservice=active/running\nworkers=3\nbusy=1\nrss-kb=204800\nhealth=200\nbackup-newest=400\n--- history\n${history}\n`;
  const { facts } = statusFacts(out);
  expect(facts).toMatchObject({
    release: 'R1',
    state: 'live',
    actor: 'dee',
    commit: '',
    previous: 'R2',
    workers: '3',
    busy: '1',
    'rss-mb': '200.0',
    'backup-age': '10 min',
    healthy: 'true'
  });
  const down = statusFacts('release=R1\nservice=inactive/dead\nhealth=none\n').facts;
  expect(down.healthy).toBe('false');
  expect(unhealthyReason(down)).toBe('the service is inactive/dead');
  expect(unhealthyReason(statusFacts('release=R1\nservice=active/running\nhealth=503\n').facts)).toBe(
    'the health path answered 503'
  );
  expect(unhealthyReason(statusFacts('release=\n').facts)).toBe('nothing is deployed');
});

test('the status and logs scripts are valid bash in every shape', () => {
  bashOk(statusScript(ctxWith({})));
  bashOk(statusScript(ctxWith({ 'health-path': '/up', 'health-host': 'example.com' })));
  const shapes: Record<string, string>[] = [
    {},
    { follow: 'true' },
    { since: '2h' },
    { since: '1d', follow: 'true' },
    { process: 'web' },
    { process: 'worker', lines: '5' }
  ];
  for (const over of shapes) bashOk(logsScript(ctxWith(over)));
  const worker = logsScript(ctxWith({ process: 'worker' }));
  expect(worker).toMatch(/^# logs\.sh$/m);
  expect(worker).toContain("unit_a='shop-worker.service'\nunit_b=''\nwith_files='0'");
  expect(worker).not.toContain('error.log');
  expect(logsScript(ctxWith({}))).toContain("unit_a='shop.service'\nunit_b='shop-*.service'\nwith_files='1'");
  expect(logsScript(ctxWith({}))).toMatch(/^error_log='\/var\/log\/shop\/error\.log'$/m);
  // Never root reading a file the app or nginx could swap for a link: every read of a log file in
  // the script runs as the user that writes it (setpriv, the "as" words).
  const body = readFileSync(path.join(templatesDir(), 'scripts', 'logs.sh'), 'utf8');
  const reads = [...body.matchAll(/^.*\b(?:tail|cat) [^|;\n]*"\$f".*$/gm)].map((m) => m[0]);
  expect(reads.length).toBe(4);
  for (const line of reads)
    expect({ line, reader: /"\$\{as\[@\]\}" (?:tail|cat) /.test(line) }).toEqual({ line, reader: true });
});

test('bad since, lines, process or history are refused before any connection, naming the input', () => {
  const bad = (inputs: Record<string, string>): string => {
    try {
      ctxWith({ mode: 'logs', ...inputs });
    } catch (err) {
      return (err as SettingsError).message;
    }
    return '';
  };
  expect(bad({ since: 'yesterday' })).toMatch(/input `since`: must be a whole number with s, m, h or d/);
  expect(bad({ since: '400d' })).toMatch(/input `since`: must be at most 366d/);
  expect(bad({ process: 'Web;rm' })).toMatch(/input `process`: must be a process name/);
  expect(bad({ lines: '0' })).toMatch(/input `lines`: must be a whole number from 1/);
  expect(bad({ history: '-1' })).toMatch(/input `history`/);
  expect(bad({ since: '30m', process: 'web', follow: 'true', history: '5' })).toBe('');
});

describe('deploy notifications', () => {
  const host = (facts: Record<string, string>, steps: StepName[] = []): HostReport => ({
    host: 'h1',
    ok: false,
    status: 'failed',
    ms: 1,
    facts,
    steps: steps.map((name) => ({ name, ok: true, ms: 1 }))
  });
  const report = (over: Partial<RunReport>): RunReport => ({
    mode: 'deploy',
    ok: false,
    status: 'failed',
    ms: 1,
    hosts: [],
    ...over
  });

  test('the outcome: deployed, cancelled, rolled back, refused before a switch, failed after one', () => {
    expect(outcomeOf(report({ ok: true, status: 'deployed' }))).toBe('deployed');
    expect(outcomeOf(report({ status: 'cancelled' }))).toBe('cancelled');
    expect(outcomeOf(report({ hosts: [host({ 'rolled-back': 'true' }, ['upload', 'switch'])] }))).toBe(
      'rolled back'
    );
    expect(outcomeOf(report({ hosts: [host({}, ['upload', 'check'])] }))).toBe('refused');
    expect(outcomeOf(report({ hosts: [host({}, ['upload', 'switch'])] }))).toBe('failed');
    expect(outcomeOf(report({ hosts: [host({}, ['connect'])] }))).toBe('failed');
  });

  test('every field, and a text that names what happened', () => {
    const ctx = ctxWith({
      commit: 'abcdef0123456789abcdef0123456789abcdef01',
      'notify-webhook': 'https://hooks.example/x'
    });
    const n = notification(
      ctx.settings,
      'rolled back',
      report({
        error: 'release R2 failed and was rolled back\nmore',
        hosts: [host({ release: 'R1', 'failed-release': 'R2', 'previous-release': 'R1' })]
      })
    );
    expect(n).toMatchObject({
      event: 'deploy-ended',
      outcome: 'rolled back',
      app: 'shop',
      release: 'R2',
      previous: 'R1'
    });
    expect(n.reason).toBe('release R2 failed and was rolled back');
    expect(n.text).toMatch(
      /^shop: deploy rolled back \(abcdef0\) on 10\.0\.0\.5 in [\d.]+ s, by .+: release R2 failed/
    );
    expect(n.content).toBe(n.text);
  });

  test('the webhook is a secret: masked, and refused as a bad URL without quoting it', () => {
    const ctx = ctxWith({ 'notify-webhook': 'https://hooks.example/T000/B000/secret-part' });
    expect(secretValues(ctx.settings)).toContain('https://hooks.example/T000/B000/secret-part');
    let msg = '';
    try {
      ctxWith({ 'notify-webhook': 'ftp://secret-part' });
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).toMatch(/input `notify-webhook`: must be an http/);
    expect(msg).not.toContain('secret-part');
  });
});
