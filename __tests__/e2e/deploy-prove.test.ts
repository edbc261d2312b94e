import type { SandboxServer } from '../../src/sandbox/index.js';
import { outputsOf } from '../../src/report.js';
import type { RunReport } from '../../src/report.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';

// Prove before serve (issue 12): a broken release is booted on a private socket and refused
// before the switch, so users never meet it; only releases proven live are rollback targets.
let server: SandboxServer;
let good: string;

beforeAll(async () => {
  server = await bootServer();
  const { report } = await deploy(server, await appCopy(), { commit: '1'.repeat(40) });
  expect(report.error).toBeUndefined();
  good = report.hosts[0]!.facts.release!;
});
afterAll(async () => {
  if (server) await stopServer(server);
});

async function appWith(code: string): Promise<string> {
  const dir = await appCopy();
  await editFile(dir, 'app.py', (t) => `${t}\n${code}\n`);
  return dir;
}

async function history(): Promise<Record<string, string>[]> {
  const text = await onServer(server, 'cat /srv/shop/.deploy/history.log');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string>);
}

async function releases(): Promise<string[]> {
  return (await onServer(server, 'ls -1 /srv/shop/releases')).trim().split('\n');
}

async function stateOf(release: string): Promise<string> {
  return (await onServer(server, `cat /srv/shop/.deploy/release-states/${release} 2>&1 || true`)).trim();
}

/** The outputs a run sets, as the action would write them. */
function outputs(report: RunReport): Record<string, string> {
  const o = outputsOf(report);
  return {
    status: o.status!,
    release: o.release!,
    previous: o['previous-release']!,
    rolledBack: o['rolled-back']!
  };
}

function refusedRelease(report: RunReport): string {
  const upload = report.hosts[0]!.steps.find((s) => s.name === 'upload');
  expect(upload?.ok).toBe(true);
  const entry = report.error!.match(/release (\d{8}T\d{6}Z-[0-9a-z]+) was refused/);
  expect(entry).not.toBeNull();
  return entry![1]!;
}

const BROKEN = {
  health500: `@app.before_request\ndef _broken():\n    if request.path == "/health":\n        return "health broken on purpose", 500`,
  home500: `@app.before_request\ndef _broken():\n    if request.path == "/":\n        return "home broken on purpose", 500`,
  firstRequest: `@app.before_request\ndef _boom():\n    raise RuntimeError("boom at the first request")`,
  hangs: `import time\n@app.before_request\ndef _slow():\n    if request.path == "/health":\n        time.sleep(30)`
};

test('broken releases are refused before the switch: 0 failed requests under 100 clients, fast', async () => {
  const load = await startLoad(server, { clients: 100 });
  const runs: { name: string; report: RunReport; lines: string[] }[] = [];
  try {
    for (const [name, code, over] of [
      ['health500', BROKEN.health500, {}],
      ['home500', BROKEN.home500, { 'smoke-paths': '/' }],
      ['firstRequest', BROKEN.firstRequest, {}],
      ['hangs', BROKEN.hangs, { 'health-timeout': '3s' }]
    ] as const) {
      const { report, lines } = await deploy(server, await appWith(code), {
        commit: '2'.repeat(40),
        ...over
      });
      runs.push({ name, report, lines });
    }
  } finally {
    const counts = await load.stop();
    expect({ failed: counts.failed, errors: counts.errors, releases: Object.keys(counts.releases) }).toEqual({
      failed: 0,
      errors: {},
      releases: [good]
    });
    expect(counts.total).toBeGreaterThan(1000);
  }
  const says: Record<string, RegExp> = {
    health500: /\/health answered 500[\s\S]*health broken on purpose/,
    home500: /\/ answered 500[\s\S]*home broken on purpose/,
    firstRequest: /\/health answered 500[\s\S]*boom at the first request/,
    hangs: /\/health did not answer within 3 s/
  };
  const hist = await history();
  for (const { name, report } of runs) {
    const h = report.hosts[0]!;
    expect({ name, ok: report.ok, status: h.status }).toEqual({ name, ok: false, status: 'failed' });
    const candidate = h.steps.find((s) => s.name === 'candidate')!;
    expect({ name, failed: h.steps.at(-1)?.name, ok: candidate.ok }).toEqual({
      name,
      failed: 'candidate',
      ok: false
    });
    expect(report.error).toMatch(says[name]!);
    expect(report.error).toContain('nothing was switched');
    // A definite wrong answer fails after a short grace, not after health-timeout (20 s here).
    if (name !== 'hangs') expect(candidate.ms).toBeLessThan(5000);
    else expect(candidate.ms).toBeLessThan(10_000);
    expect(h.steps.map((s) => s.name)).not.toContain('switch');
    // The outputs say what serves: the release that served before, which is still serving.
    expect(outputs(report)).toEqual({ status: 'failed', release: good, previous: good, rolledBack: 'false' });
    // Refused: recorded, out of releases/, and one history line each.
    const refused = refusedRelease(report);
    expect(await stateOf(refused)).toMatch(/No such file|refused/);
    expect(await releases()).not.toContain(refused);
    const line = hist.find((e) => e.release === refused);
    expect(line).toMatchObject({ event: 'deploy', status: 'refused', step: 'candidate', previous: good });
  }
  expect(report(runs, 'firstRequest')).toMatch(/Gunicorn's last lines:[\s\S]*RuntimeError/);
  expect((await getJson(server, '/health')).body.release).toBe(good);
  expect((await onServer(server, 'readlink /srv/shop/current')).trim()).toBe(`releases/${good}`);
  // The candidate unit and its socket are gone.
  expect(
    await onServer(
      server,
      'systemctl list-units --all --no-legend "gunicorn-deploy-candidate-*" | wc -l; ls /run | grep -c candidate || true'
    )
  ).toMatch(/^0\n0\n$/);
}, 600_000);

function report(runs: { name: string; report: RunReport }[], name: string): string {
  return runs.find((r) => r.name === name)!.report.error ?? '';
}

test('the preload list is written outside the release, readable by the app, not writable by it', async () => {
  const out = await onServer(
    server,
    `ls -1 /srv/shop/current/ | grep -c gunicorn-deploy-preload || true; stat -c '%U:%G %a' /etc/shop/preload /etc/shop/preload/${good}; grep -cx flask /etc/shop/preload/${good}`
  );
  expect(out).toBe(`0\nroot:shop 750\nroot:shop 640\n1\n`);
});

test('a good deploy is recorded live; mode rollback skips refused and unproven releases', async () => {
  const second = await deploy(server, await appCopy(), { commit: '3'.repeat(40) });
  expect(second.report.error).toBeUndefined();
  const live2 = second.report.hosts[0]!.facts.release!;
  expect(outputs(second.report)).toEqual({
    status: 'deployed',
    release: live2,
    previous: good,
    rolledBack: 'false'
  });
  expect(await stateOf(good)).toBe('live');
  expect(await stateOf(live2)).toBe('live');
  // Newer than both: a refused release and one never proven (a deploy that died mid-way), complete
  // with their venvs: only their recorded state keeps mode rollback off them.
  await onServer(
    server,
    `cd /srv/shop/releases && cp -a ${live2} 20990101T000000Z-refused && cp -a ${live2} 20990101T000001Z-built &&
     printf 'refused\\n' > /srv/shop/.deploy/release-states/20990101T000000Z-refused &&
     printf 'built\\n' > /srv/shop/.deploy/release-states/20990101T000001Z-built`
  );
  const back = await deploy(server, await appCopy(), { mode: 'rollback' });
  expect(back.report.error).toBeUndefined();
  expect(outputs(back.report)).toEqual({
    status: 'rolled-back',
    release: good,
    previous: live2,
    rolledBack: 'true'
  });
  expect(back.report.hosts[0]!.steps.map((s) => s.name)).toContain('candidate');
  expect((await getJson(server, '/health')).body.release).toBe(good);
  expect(await stateOf(live2)).toBe('rolled-back');
  expect(await stateOf(good)).toBe('live');
  expect((await history()).at(-1)).toMatchObject({
    event: 'rollback',
    status: 'rolled-back',
    release: good,
    previous: live2
  });
  // Naming a refused release is refused too.
  const named = await deploy(server, await appCopy(), {
    mode: 'rollback',
    'rollback-to': '20990101T000000Z-refused'
  });
  expect(named.report.ok).toBe(false);
  expect(named.report.error).toMatch(/20990101T000000Z-refused is refused/);
  expect((await getJson(server, '/health')).body.release).toBe(good);
  await onServer(server, 'rm -rf /srv/shop/releases/20990101T*');
});

test('rollback with no release proven live other than the current one fails clearly and changes nothing', async () => {
  // live2 is rolled-back now, good is current: nothing else was ever live.
  const before = await onServer(
    server,
    'readlink /srv/shop/current; systemctl show -p MainPID --value shop.service'
  );
  const lines = (await history()).length;
  const { report } = await deploy(server, await appCopy(), { mode: 'rollback' });
  expect(report.ok).toBe(false);
  expect(report.error).toMatch(/no release proven live other than the current one/);
  expect(outputs(report)).toEqual({ status: 'failed', release: good, previous: good, rolledBack: 'false' });
  expect(report.hosts[0]!.steps.map((s) => s.name)).not.toContain('switch');
  expect(
    await onServer(server, 'readlink /srv/shop/current; systemctl show -p MainPID --value shop.service')
  ).toBe(before);
  const hist = await history();
  expect(hist.length).toBe(lines + 1);
  expect(hist.at(-1)).toMatchObject({ event: 'rollback', status: 'failed' });
});

// Healthy on its private socket (PWD the release), broken once live (PWD .../current): the rare
// release only verify can catch after the switch.
const LIVE_ONLY_500 = `import os\nLIVE = os.environ.get("PWD", "").endswith("/current")\n@app.before_request\ndef _live_only():\n    if LIVE and request.path == "/health":\n        return "broken once live", 500`;

test('a release that fails only once live is rolled back: outputs, states and history say so', async () => {
  const { report } = await deploy(server, await appWith(LIVE_ONLY_500), {
    commit: '4'.repeat(40),
    'health-timeout': '8s'
  });
  const h = report.hosts[0]!;
  const failed = h.steps.find((st) => st.name === 'candidate')!;
  expect(failed.ok).toBe(true);
  const bad = report.error!.match(/release (\S+) failed and was rolled back/)![1]!;
  expect(outputs(report)).toEqual({
    status: 'rolled-back',
    release: good,
    previous: good,
    rolledBack: 'true'
  });
  expect(h.facts['failed-release']).toBe(bad);
  expect(await stateOf(bad)).toBe('rolled-back');
  expect(await stateOf(good)).toBe('live');
  expect((await history()).at(-1)).toMatchObject({
    event: 'deploy',
    release: bad,
    status: 'rolled-back',
    to: good
  });
  expect((await getJson(server, '/health')).body.release).toBe(good);
});

test('a rollback that fails leaves outputs naming what serves, and a history line', async () => {
  // The release to go back to cannot boot any more (its folder closed to the app's user).
  const mode = (await onServer(server, `stat -c %a /srv/shop/releases/${good}`)).trim();
  await onServer(server, `chmod 000 /srv/shop/releases/${good}`);
  try {
    const { report } = await deploy(server, await appWith(LIVE_ONLY_500), {
      commit: '5'.repeat(40),
      'health-timeout': '8s'
    });
    expect(report.ok).toBe(false);
    const bad = report.error!.match(/release (\S+) failed \(/)![1]!;
    expect(report.error).toMatch(/and the rollback to .* failed too/);
    // The broken release is what current points to: the outputs say so, not the old one.
    expect(outputs(report)).toEqual({ status: 'failed', release: bad, previous: good, rolledBack: 'false' });
    expect((await onServer(server, 'readlink /srv/shop/current')).trim()).toBe(`releases/${bad}`);
    expect((await history()).at(-1)).toMatchObject({ event: 'rollback', status: 'failed', from: bad });
  } finally {
    await onServer(server, `chmod ${mode} /srv/shop/releases/${good}`);
  }
  // Put things right: an explicit rollback to the release that served.
  const back = await deploy(server, await appCopy(), { mode: 'rollback', 'rollback-to': good });
  expect(back.report.error).toBeUndefined();
  expect((await getJson(server, '/health')).body.release).toBe(good);
});

// The candidate's master starts warm, from the serving release's venv and environment, while the
// release uploads. Its proof must stay the cold boot's: a release whose environment file changed is
// booted cold with it, and one with a new venv runs that venv. The app answers 500 on /health when
// its environment says so, or when it runs another venv than its own release's.
const SAME_BOOT = [
  'import os as _os, sys as _sys',
  '@app.before_request',
  'def _as_deployed():',
  '    if request.path != "/health":',
  '        return None',
  '    if _os.environ.get("BREAK_HEALTH") == "1":',
  '        return "broken by its environment", 500',
  '    if _os.path.realpath(_sys.prefix) != _os.path.realpath(_os.path.join(_os.getcwd(), ".venv")):',
  '        return "not its own venv: " + _sys.prefix, 500',
  '    return None'
].join('\n');

test('the warm master: used for a code-only deploy, cold with a changed environment, the new venv with new requirements', async () => {
  const candidateOf = (report: RunReport) => report.hosts[0]!.steps.find((st) => st.name === 'candidate');
  const warm = await deploy(server, await appWith(SAME_BOOT), { commit: '3'.repeat(40) });
  expect(warm.report.error).toBeUndefined();
  expect(candidateOf(warm.report)?.detail).toContain('started warm while the release uploaded');

  const env = await deploy(server, await appWith(SAME_BOOT), {
    commit: '4'.repeat(40),
    env: 'BREAK_HEALTH=1'
  });
  expect(env.report.ok).toBe(false);
  expect(env.report.hosts[0]!.steps.at(-1)?.name).toBe('candidate');
  expect(env.report.error).toMatch(/\/health answered 500[\s\S]*broken by its environment/);
  expect(env.report.error).toContain('nothing was switched');

  const dir = await appWith(SAME_BOOT);
  await editFile(dir, 'requirements.txt', (t) => `${t}# a new venv\n`);
  const venv = await deploy(server, dir, { commit: '5'.repeat(40) });
  expect(venv.report.error).toBeUndefined();
  expect(venv.report.hosts[0]!.steps.find((st) => st.name === 'venv')?.detail).toMatch(/built/);
  expect((await getJson(server, '/health')).body.release).toBe(venv.report.hosts[0]!.facts.release);
  // Nothing of the warm start is left behind.
  expect(await onServer(server, 'ls /run | grep -c candidate || true')).toBe('0\n');
}, 300_000);
