import { execFile } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  deploymentOptions,
  failureDescription,
  GithubDeployment,
  type DeploymentOptions
} from '../../src/github.js';
import { memoryLogger } from '../../src/log.js';
import type { RunReport } from '../../src/report.js';

const run = promisify(execFile);

interface Call {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  auth?: string;
}

/** A stand-in for api.github.com on 127.0.0.1: records every call, answers from a handler. */
interface FakeApi {
  url: string;
  calls: Call[];
  close(): Promise<void>;
}

type Handler = (call: Call) => { status: number; body: unknown } | 'hang';

async function fakeApi(handler: Handler): Promise<FakeApi> {
  const calls: Call[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const call: Call = { method: req.method!, path: req.url!, auth: req.headers.authorization };
      if (raw) call.body = JSON.parse(raw);
      calls.push(call);
      const answer = handler(call);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      })
  };
}

/** GitHub's answers for a repository whose previous deployment (41) is live. */
function github(over: Partial<Record<string, { status: number; body: unknown }>> = {}): Handler {
  return (c) => {
    const key = `${c.method} ${c.path.split('?')[0]}`;
    if (over[key]) return over[key]!;
    if (key === 'POST /repos/example/shop/deployments') return { status: 201, body: { id: 42 } };
    if (/^POST \/repos\/example\/shop\/deployments\/\d+\/statuses$/.test(key))
      return { status: 201, body: { id: 1, state: c.body?.state } };
    if (key === 'GET /repos/example/shop/deployments')
      return { status: 200, body: [{ id: 42 }, { id: 41 }, { id: 40 }] };
    if (key === 'GET /repos/example/shop/deployments/41/statuses')
      return { status: 200, body: [{ state: 'success' }] };
    if (key === 'GET /repos/example/shop/deployments/40/statuses')
      return { status: 200, body: [{ state: 'inactive' }] };
    return { status: 404, body: { message: 'Not Found' } };
  };
}

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const LOG_URL = 'https://github.com/example/shop/actions/runs/777';

function options(api: FakeApi, over: Partial<DeploymentOptions> = {}): DeploymentOptions {
  return {
    token: 'ghs_test-token-123',
    environment: 'production',
    environmentUrl: 'https://shop.example.com',
    mode: 'deploy',
    dryRun: false,
    commit: SHA,
    repository: 'example/shop',
    apiUrl: api.url,
    logUrl: LOG_URL,
    hosts: ['web1.example.com'],
    ...over
  };
}

function report(over: Partial<RunReport> = {}, facts: Record<string, string> = {}): RunReport {
  return {
    mode: 'deploy',
    ok: true,
    status: 'deployed',
    ms: 1000,
    hosts: [
      {
        host: 'web1.example.com',
        ok: over.ok ?? true,
        status: over.status ?? 'deployed',
        steps: [],
        ms: 1000,
        facts: {
          release: '20261201T100000Z-a1b2c3d',
          'previous-release': '20261130T090000Z-0000000',
          ...facts
        }
      }
    ],
    ...over
  };
}

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
  delete process.env.GUNICORN_DEPLOY_GITHUB_TIMEOUT_MS;
});

test('without a token nothing is called', async () => {
  api = await fakeApi(github());
  const log = memoryLogger();
  expect(await GithubDeployment.start(options(api, { token: '' }), log)).toBeUndefined();
  expect(api.calls).toEqual([]);
  expect(log.lines.join('\n')).not.toMatch(/warning/i);
});

test('preflight, verify, rollback and a dry run record no deployment', async () => {
  api = await fakeApi(github());
  for (const o of [
    { mode: 'preflight' },
    { mode: 'verify' },
    { mode: 'rollback' },
    { mode: 'provision', dryRun: true }
  ]) {
    expect(await GithubDeployment.start(options(api, o), memoryLogger())).toBeUndefined();
  }
  expect(api.calls).toEqual([]);
});

test('a deploy that goes live: created, in_progress, success, and the replaced deployment inactive', async () => {
  api = await fakeApi(github());
  const log = memoryLogger();
  const d = await GithubDeployment.start(options(api), log);
  expect(d?.id).toBe(42);
  await d!.finish(report());
  expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
    'POST /repos/example/shop/deployments',
    'POST /repos/example/shop/deployments/42/statuses',
    'POST /repos/example/shop/deployments/42/statuses',
    'GET /repos/example/shop/deployments?environment=production&per_page=10',
    'GET /repos/example/shop/deployments/41/statuses?per_page=1',
    'POST /repos/example/shop/deployments/41/statuses'
  ]);
  expect(api.calls.every((c) => c.auth === 'token ghs_test-token-123')).toBe(true);
  expect(api.calls.map((c) => c.body)).toEqual([
    {
      ref: SHA,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      description: 'gunicorn-deploy deploy of a1b2c3d to web1.example.com'
    },
    { state: 'in_progress', description: 'Deploying a1b2c3d to 1 server(s)', log_url: LOG_URL },
    {
      state: 'success',
      description: 'Release 20261201T100000Z-a1b2c3d is live on 1 server(s)',
      log_url: LOG_URL,
      environment_url: 'https://shop.example.com'
    },
    undefined,
    undefined,
    { state: 'inactive', description: 'Replaced by deployment 42', log_url: LOG_URL }
  ]);
  expect(log.lines.join('\n')).not.toMatch(/warning/i);
});

test('the replaced deployment already inactive (GitHub did it): nothing more is changed', async () => {
  api = await fakeApi(
    github({
      'GET /repos/example/shop/deployments/41/statuses': { status: 200, body: [{ state: 'inactive' }] }
    })
  );
  const d = await GithubDeployment.start(options(api), memoryLogger());
  await d!.finish(report());
  expect(api.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`).slice(3)).toEqual([
    'GET /repos/example/shop/deployments',
    'GET /repos/example/shop/deployments/41/statuses'
  ]);
});

test('a rolled-back deploy: failure, saying it was rolled back and to which release', async () => {
  api = await fakeApi(github());
  const d = await GithubDeployment.start(options(api), memoryLogger());
  const r = report(
    { ok: false, status: 'rolled-back', error: 'web1.example.com: /health answered 500' },
    {
      release: '20261130T090000Z-0000000',
      'previous-release': '20261130T090000Z-0000000',
      'failed-release': '20261201T100000Z-a1b2c3d',
      'rolled-back': 'true',
      'rollback-reason': '/health answered 500 for 20s'
    }
  );
  await d!.finish(r);
  expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
    'POST /repos/example/shop/deployments',
    'POST /repos/example/shop/deployments/42/statuses',
    'POST /repos/example/shop/deployments/42/statuses'
  ]);
  expect(api.calls[2]!.body).toEqual({
    state: 'failure',
    description:
      'Rolled back to release 20261130T090000Z-0000000 (20261201T100000Z-a1b2c3d failed): /health answered 500 for 20s',
    log_url: LOG_URL
  });
});

test('a failure that changed nothing says why, in at most 140 characters', () => {
  const r = report({ ok: false, status: 'failed', error: `web1: ${'x'.repeat(300)}\nhint` });
  r.hosts[0]!.facts = {};
  const text = failureDescription(r);
  expect(text.startsWith('Failed: web1: xxx')).toBe(true);
  expect(text.length).toBe(140);
  expect(text.endsWith('…')).toBe(true);
});

test('an API 500 when creating is a warning: no further calls, the deploy goes on', async () => {
  api = await fakeApi(
    github({ 'POST /repos/example/shop/deployments': { status: 500, body: { message: 'Server Error' } } })
  );
  const log = memoryLogger();
  expect(await GithubDeployment.start(options(api), log)).toBeUndefined();
  expect(api.calls).toHaveLength(1);
  expect(log.lines.join('\n')).toMatch(
    /warning.*GitHub deployment: creating the deployment failed \(HTTP 500\): Server Error.*not affected/
  );
});

test('an API 500 when finishing is a warning, never an exception', async () => {
  let failing = false;
  const ok = github();
  api = await fakeApi((c) => (failing ? { status: 500, body: { message: 'boom' } } : ok(c)));
  const log = memoryLogger();
  const d = await GithubDeployment.start(options(api), log);
  failing = true;
  await expect(d!.finish(report())).resolves.toBeUndefined();
  expect(api.calls).toHaveLength(3);
  expect(log.lines.join('\n')).toMatch(
    /warning.*GitHub deployment: setting deployment 42 to success failed \(HTTP 500\): boom/
  );
});

test('an API 500 on in_progress: a warning, and the final state is still sent', async () => {
  api = await fakeApi(
    github({ 'POST /repos/example/shop/deployments/42/statuses': { status: 500, body: { message: 'boom' } } })
  );
  const log = memoryLogger();
  const d = await GithubDeployment.start(options(api), log);
  expect(d?.id).toBe(42);
  await d!.finish(report());
  expect(api.calls.map((c) => c.body?.state)).toEqual([undefined, 'in_progress', 'success']);
  expect(log.lines.filter((l) => /^warning: GitHub deployment: .*\(HTTP 500\): boom/.test(l))).toHaveLength(
    2
  );
});

test('an API that never answers is given up after the timeout', async () => {
  process.env.GUNICORN_DEPLOY_GITHUB_TIMEOUT_MS = '300';
  api = await fakeApi(() => 'hang');
  const log = memoryLogger();
  const started = Date.now();
  expect(await GithubDeployment.start(options(api), log)).toBeUndefined();
  expect(Date.now() - started).toBeLessThan(5000);
  expect(log.lines.join('\n')).toMatch(/warning.*GitHub deployment: creating the deployment failed/);
});

test('options come from the settings and the runner variables', () => {
  const o = deploymentOptions(
    { token: 'tok', environment: 'production', environmentUrl: 'https://x.example' },
    {
      GITHUB_REPOSITORY: 'example/shop',
      GITHUB_RUN_ID: '99',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3'
    },
    { mode: 'deploy', dryRun: false, commit: SHA, hosts: ['a'] }
  );
  expect(o).toMatchObject({
    token: 'tok',
    environment: 'production',
    environmentUrl: 'https://x.example',
    apiUrl: 'https://ghe.example.com/api/v3',
    logUrl: 'https://ghe.example.com/example/shop/actions/runs/99/attempts/2'
  });
});

test("@actions/github's getOctokit honours GITHUB_API_URL on its own (read when it is loaded)", async () => {
  api = await fakeApi(() => ({ status: 200, body: { full_name: 'example/shop' } }));
  const script =
    "import { getOctokit } from '@actions/github';" +
    "const r = await getOctokit('t0ken').rest.repos.get({ owner: 'example', repo: 'shop' });" +
    'console.log(r.data.full_name);';
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, GITHUB_API_URL: api.url }
  });
  expect(stdout.trim()).toBe('example/shop');
  expect(api.calls).toEqual([{ method: 'GET', path: '/repos/example/shop', auth: 'token t0ken' }]);
});

test('the bundled action records a failed deploy as a failed deployment, and fails with a titled annotation', async () => {
  api = await fakeApi(github());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-gh-'));
  const files = {
    output: path.join(dir, 'out'),
    summary: path.join(dir, 'summary'),
    state: path.join(dir, 'state')
  };
  for (const f of Object.values(files)) await writeFile(f, '');
  const inputs: Record<string, string> = {
    host: '127.0.0.1:9',
    'app-name': 'shop',
    // Not a usable key: the run fails at connect, before any network traffic.
    'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----',
    'trust-on-first-use': 'true',
    // A real app folder: the runner-side checks pass, so the failure is the connection's.
    source: path.resolve('examples/flask-app'),
    'github-token': 'ghs_bundle-token',
    'environment-url': 'https://shop.example.com'
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_API_URL: api.url,
    GITHUB_REPOSITORY: 'example/shop',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '777',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const res = await run(process.execPath, [path.resolve('dist/index.js')], { env }).catch(
    (e: { code: number; stdout: string; stderr: string }) => e
  );
  expect((res as { code?: number }).code).toBe(1);
  expect(res.stdout).toMatch(/^::error title=gunicorn-deploy deploy%3A failed::127\.0\.0\.1:9: /m);
  expect(
    res.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
  ).not.toContain('ghs_bundle-token');
  expect(api.calls.map((c) => `${c.method} ${c.path} ${(c.body?.state as string) ?? ''}`.trim())).toEqual([
    'POST /repos/example/shop/deployments',
    'POST /repos/example/shop/deployments/42/statuses in_progress',
    'POST /repos/example/shop/deployments/42/statuses failure'
  ]);
  expect(api.calls[2]!.body!.description).toMatch(/^Failed: 127\.0\.0\.1:9: /);
  expect(api.calls[2]!.body!.log_url).toBe(LOG_URL);
  expect(await readFile(files.summary, 'utf8')).toMatch(
    /^## ❌ gunicorn-deploy deploy: failed\n\n> \*\*127\.0\.0\.1:9: /
  );
});
