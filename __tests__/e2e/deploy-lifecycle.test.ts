import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SUITES, type SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';
import type { StepName } from '../../src/steps/catalog.js';

// One real server per Debian release: a first deploy, a code change (HUP), a requirements change
// (new venv, restart) and a rollback, each proven by what the server serves. bookworm has the
// Gunicorn (20.1) and systemd (252) of Ubuntu 22.04, the oldest platform users run.
describe.each(SUITES)('on %s', (suite) => {
  let server: SandboxServer;
  let app: string;

  beforeAll(async () => {
    server = await bootServer({ suite });
    app = await appCopy();
  });
  afterAll(async () => {
    if (server) await stopServer(server);
  });

  function marker(text: string): (t: string) => string {
    return (t) => `${t}\n\n# ${text}\n`;
  }

  test('first deploy creates the layout, starts the service and proves /health', async () => {
    const { report, lines } = await deploy(server, app, { commit: 'a'.repeat(40), ref: 'refs/heads/main' });
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
    const h = report.hosts[0]!;
    expect(h.status).toBe('deployed');
    expect(h.facts.reload).toBe('start');
    expect(h.facts.release).toMatch(/^\d{8}T\d{6}Z-aaaaaaa$/);
    const health = await getJson(server, '/health');
    expect(health.status).toBe(200);
    expect(health.body.release).toBe(h.facts.release);
    expect(health.body.debug).toBe(false);
    // Every step is a unit of log and time; the deploy sequence, in catalog names (a typo fails tsc).
    expect(h.steps.map((s) => s.name)).toEqual<StepName[]>([
      'connect',
      'lock',
      'layout',
      'upload',
      'venv',
      'config',
      'backup',
      'check',
      'pre-activate',
      'candidate',
      'units',
      'switch',
      'verify',
      'post-activate',
      'prune'
    ]);
    expect(lines.some((l) => l.includes('== 10.213.'))).toBe(true);
    const state = await onServer(
      server,
      'readlink /srv/shop/current; stat -c %U /srv/shop/shared/instance; id -u shop; systemctl is-enabled shop.socket shop.service; stat -c %a /etc/shop/env; cat /srv/shop/current/REVISION'
    );
    expect(state).toContain(`releases/${h.facts.release}`);
    expect(state).toMatch(/^shop$/m);
    expect(state).toMatch(/enabled\nenabled/);
    expect(state).toMatch(/^640$/m);
    expect(state).toContain('commit=' + 'a'.repeat(40));
    // The app writes into the shared instance folder, not into the release.
    const w = await getJson(server, '/write?value=first');
    expect(w.status).toBe(201);
    expect(await onServer(server, 'ls /srv/shop/shared/instance')).toContain('app.db');
  });

  test('a code-only change reloads with HUP and keeps the venv', async () => {
    const before = await onServer(
      server,
      'readlink -f /srv/shop/current/.venv; systemctl show -p MainPID --value shop.service'
    );
    await editFile(app, 'app.py', marker('code change 1'));
    const load = await startLoad(server, { clients: 20 });
    const { report } = await deploy(server, app, { commit: 'b'.repeat(40) });
    const counts = await load.stop();
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
    const h = report.hosts[0]!;
    expect(h.facts.reload).toBe('hup');
    expect(h.steps.find((s) => s.name === 'venv')?.changed).toBe(false);
    const after = await onServer(
      server,
      'readlink -f /srv/shop/current/.venv; systemctl show -p MainPID --value shop.service'
    );
    // Same venv, same master (a HUP, not a restart).
    expect(after).toBe(before);
    expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);
    expect(counts.total).toBeGreaterThan(100);
    expect({ failed: counts.failed, errors: counts.errors }).toEqual({ failed: 0, errors: {} });
    // The load saw the old release, then the new one.
    expect(Object.keys(counts.releases)).toContain(h.facts.release);
  });

  test("the master imports the release's libraries, never its own modules: a HUP serves a changed local module", async () => {
    await writeFile(path.join(app, 'greeting.py'), 'WORD = "one"\n');
    await editFile(
      app,
      'app.py',
      (t) =>
        `${t}\n\nimport greeting\n\n\n@app.get("/greeting")\ndef greeting_word():\n    return greeting.WORD\n`
    );
    const first = await deploy(server, app, { commit: 'b1'.padEnd(40, '0') });
    expect({ ok: first.report.ok, error: first.report.error }).toEqual({ ok: true, error: undefined });
    await editFile(app, 'greeting.py', () => 'WORD = "two"\n');
    const { report } = await deploy(server, app, { commit: 'b2'.padEnd(40, '0') });
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
    expect(report.hosts[0]!.facts.reload).toBe('hup');
    expect(
      await onServer(server, 'curl -s --unix-socket /run/shop/gunicorn.sock http://localhost/greeting')
    ).toBe('two');
    // Kept by root outside the release (issue 11: root never writes into a release).
    const listed = (
      await onServer(server, 'cat /etc/shop/preload/$(basename $(readlink /srv/shop/current))')
    ).split('\n');
    expect(listed).toEqual(expect.arrayContaining(['flask', 'werkzeug', 'markupsafe']));
    expect(listed).not.toContain('app');
    expect(listed).not.toContain('greeting');
    // Proof that the master, not each worker, imported them: a library's C extension in its memory.
    const maps = await onServer(
      server,
      'sudo grep -c "markupsafe/_speedups" /proc/$(systemctl show -p MainPID --value shop.service)/maps || true'
    );
    expect(Number(maps)).toBeGreaterThan(0);
  });

  test('a unit whose link was removed by hand since the last deploy is enabled again', async () => {
    // systemd keeps the enablement it computed at the first question after a reload (the last
    // deploy's units step asked): a link removed without a reload still reads enabled there, so
    // the units step looks at the link too.
    const stale = await onServer(
      server,
      'systemctl show -p UnitFileState shop.service >/dev/null && rm /etc/systemd/system/multi-user.target.wants/shop.service && systemctl show -p UnitFileState --value shop.service; systemctl is-enabled shop.service || true'
    );
    // The control: systemd's answer is stale, is-enabled's (read from disk) is not.
    expect(stale.trim()).toBe('enabled\ndisabled');
    await editFile(app, 'app.py', marker('code change after a link was removed'));
    const { report } = await deploy(server, app, { commit: 'b3'.padEnd(40, '0') });
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
    expect(report.hosts[0]!.facts.reload).toBe('hup');
    expect((await onServer(server, 'systemctl is-enabled shop.socket shop.service || true')).trim()).toBe(
      'enabled\nenabled'
    );
  });

  test('a requirements change builds a new venv and restarts, with zero failed requests', async () => {
    const before = await onServer(
      server,
      'readlink -f /srv/shop/current/.venv; systemctl show -p MainPID --value shop.service'
    );
    // Satisfied by Debian's packages (werkzeug comes with python3-flask), so pip stays offline.
    await editFile(app, 'requirements.txt', (t) => `${t.trimEnd()}\nwerkzeug\n`);
    const load = await startLoad(server, { clients: 20 });
    const { report } = await deploy(server, app, { commit: 'c'.repeat(40) });
    const counts = await load.stop();
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
    const h = report.hosts[0]!;
    expect(h.facts.reload).toBe('restart');
    expect(h.steps.find((s) => s.name === 'venv')?.changed).toBe(true);
    const after = await onServer(
      server,
      'readlink -f /srv/shop/current/.venv; systemctl show -p MainPID --value shop.service'
    );
    const [venvBefore, pidBefore] = before.trim().split('\n');
    const [venvAfter, pidAfter] = after.trim().split('\n');
    expect(venvAfter).not.toBe(venvBefore);
    expect(pidAfter).not.toBe(pidBefore);
    expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);
    expect({ failed: counts.failed, errors: counts.errors }).toEqual({ failed: 0, errors: {} });
  });

  test('mode rollback returns to the previous release (restart across venvs), with zero failed requests', async () => {
    const current = (await getJson(server, '/health')).body.release as string;
    const load = await startLoad(server, { clients: 20 });
    const { report } = await deploy(server, app, { mode: 'rollback' });
    const counts = await load.stop();
    expect({ ok: report.ok, error: report.error }).toEqual({ ok: true, error: undefined });
    const h = report.hosts[0]!;
    expect(h.status).toBe('rolled-back');
    expect(h.facts['previous-release']).toBe(current);
    expect(h.facts.reload).toBe('restart');
    expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);
    expect(h.facts.release < current).toBe(true);
    expect({ failed: counts.failed, errors: counts.errors }).toEqual({ failed: 0, errors: {} });
  });

  test('rollback-to an unknown release fails clearly and changes nothing', async () => {
    const before = (await getJson(server, '/health')).body.release;
    const { report } = await deploy(server, app, {
      mode: 'rollback',
      'rollback-to': '20200101T000000Z-nothere'
    });
    expect(report.ok).toBe(false);
    expect(report.error).toMatch(/release 20200101T000000Z-nothere is not on/);
    expect((await getJson(server, '/health')).body.release).toBe(before);
  });

  test('keep-releases: older releases and the venvs only they used go, deleted in the background', async () => {
    const before = (await onServer(server, 'ls /srv/shop/releases')).trim().split('\n');
    expect(before.length).toBeGreaterThan(2);
    const since = Math.floor(Date.now() / 1000) - 1;
    let last;
    for (const n of [1, 2]) {
      await editFile(app, 'app.py', marker(`keep-releases ${n}`));
      last = (await deploy(server, app, { 'keep-releases': '2' })).report;
      expect({ ok: last.ok, error: last.error }).toEqual({ ok: true, error: undefined });
    }
    const h = last!.hosts[0]!;
    const releases = (await onServer(server, 'ls /srv/shop/releases')).trim().split('\n');
    expect(releases.sort()).toEqual([h.facts['previous-release']!, h.facts.release!].sort());
    // Exactly the venvs the kept releases link to (the pip cache and logs aside).
    const kept = await onServer(
      server,
      'for r in /srv/shop/releases/*/; do basename "$(readlink -f "$r.venv")"; done | sort -u'
    );
    const venvs = await onServer(
      server,
      "ls /srv/shop/venvs | grep -v -e '^.pip-cache$' -e '.pip.log$' | sort"
    );
    expect(venvs).toBe(kept);
    // Moved out at once, deleted a moment later by a transient unit.
    let left = 'not checked';
    for (let i = 0; i < 50 && left !== ''; i++) {
      left = (await onServer(server, 'sudo ls -A /srv/shop/.deploy/trash')).trim();
      if (left !== '') await new Promise((r) => setTimeout(r, 200));
    }
    expect(left).toBe('');
    // By systemd's transient unit (Nice=19, idle IO), asked for in the background after the prune
    // answered: the unit is systemd's, so the end of the runner's SSH session does not stop it (the
    // journal of PID 1 only: this probe's own command line is in the journal too).
    const units = await onServer(
      server,
      `sudo journalctl --no-pager -q -o cat _PID=1 --since=@${since} | grep -c 'Started run-.*rm -rf.*/srv/shop/.deploy/trash' || true`
    );
    expect(Number(units)).toBeGreaterThanOrEqual(2);
    expect((await getJson(server, '/health')).body.release).toBe(h.facts.release);
    // The history's line for the deploy, written in the prune's round trip.
    const line = (await onServer(server, 'sudo tail -n 1 /srv/shop/.deploy/history.log')).trim();
    expect(JSON.parse(line)).toMatchObject({
      event: 'deploy',
      release: h.facts.release,
      previous: h.facts['previous-release'],
      status: 'deployed',
      reload: 'hup'
    });
  });
});
