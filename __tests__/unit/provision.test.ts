import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings, SettingsError, type Settings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { packageList, packagesScript } from '../../src/provision/packages.js';
import { userScript } from '../../src/provision/user.js';
import { ensureNginx, nginxScript } from '../../src/provision/nginx.js';
import { ensureLogrotate } from '../../src/provision/logrotate.js';
import { ensureTimers, timerFiles, timersScript } from '../../src/provision/timers.js';
import { provisionVars } from '../../src/provision/vars.js';
import {
  renderDbMaintenanceUnits,
  renderHealthUnits,
  renderLogrotate,
  renderNginxSite
} from '../../src/render.js';
import { importScript } from '../../src/provision/import-database.js';
import { removeAppScript } from '../../src/provision/remove.js';
import { filesInput, prelude, REPORT, writeFilesScript } from '../../src/provision/shell.js';
import { checksTable, parseChecks, verifyChecklistScript } from '../../src/provision/verify.js';
import { sourceHash } from '../../src/provision/first-deploy.js';
import { needs } from '../support/needs.js';
import { callsOf, fakeBin, type ScriptRun } from '../support/fake-bin.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';

function settings(over: Record<string, string> = {}): Settings {
  const all: Record<string, string> = {
    host: '10.0.0.5',
    'private-key': KEY,
    'app-name': 'shop',
    'trust-on-first-use': 'true',
    mode: 'provision',
    'sqlite-db': 'instance/app.db',
    ...over
  };
  return parseSettings((n) => all[n] ?? '');
}

function problems(over: Record<string, string>): string[] {
  try {
    settings(over);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
}

function ctxFor(s: Settings): DeployContext {
  return {
    remote: {} as Remote,
    settings: s,
    logger: memoryLogger(),
    label: 'h',
    records: [],
    paths: appLayout(s),
    facts: {}
  };
}

/** bash -n: every script the provision steps send parses. */
function syntaxOk(script: string): void {
  execFileSync('bash', ['-n'], { input: `set -euo pipefail\n${prelude(false)}\n${script}\n${REPORT}\n` });
}

describe('provision settings', () => {
  test('defaults', () => {
    const p = settings().provision;
    expect(p).toEqual({
      aptPackages: [],
      serverName: '_',
      staticPath: '',
      staticMaps: [],
      clientMaxBodySize: '10m',
      healthIntervalS: 300,
      backupsDays: 30,
      importDatabase: '',
      importDatabaseForce: false,
      dryRun: false,
      edge: { firewall: false, firewallAllow: [], sshAllowFrom: [], alertWebhook: '', fail2ban: false },
      site: { canonicalHost: '', securityHeaders: true, rateLimits: [] },
      services: [],
      metrics: { enabled: false, listen: '127.0.0.1:9100' }
    });
  });

  test('packages separated by spaces, commas or newlines', () => {
    const p = settings({ 'apt-packages': 'libpq5, python3-flask\nlibjpeg62-turbo  g++' }).provision;
    expect(p.aptPackages).toEqual(['libpq5', 'python3-flask', 'libjpeg62-turbo', 'g++']);
    expect(packageList(p.aptPackages)).toEqual([
      'python3-venv',
      'python3-pip',
      'nginx',
      'logrotate',
      'sqlite3',
      'curl',
      'wrk',
      'libpq5',
      'python3-flask',
      'libjpeg62-turbo',
      'g++'
    ]);
  });

  test.each([
    [{ 'server-name': 'exa mple;com' }, 'server-name'],
    [{ 'server-name': 'bad_host!.com' }, 'server-name'],
    [{ 'server-name': 'example.com; include /etc/passwd' }, 'server-name'],
    [{ 'apt-packages': 'nginx; rm -rf /' }, 'apt-packages'],
    [{ 'apt-packages': 'Nginx' }, 'apt-packages'],
    [{ 'static-path': '../etc' }, 'static-path'],
    [{ 'static-path': '/abs' }, 'static-path'],
    [{ 'client-max-body-size': '10 MB' }, 'client-max-body-size'],
    [{ 'health-interval': '5s' }, 'health-interval'],
    [{ 'backups-days': '0' }, 'backups-days'],
    [{ 'import-database': 'relative.db' }, 'import-database'],
    [{ 'import-database': '/x.db', 'sqlite-db': '' }, 'import-database'],
    [{ 'dry-run': 'maybe' }, 'dry-run']
  ])('%j is refused naming %s', (over, input) => {
    const p = problems(over);
    expect(p.length).toBeGreaterThan(0);
    expect(p.join('\n')).toContain(`\`${input}\``);
  });

  test('good server names, wildcards and _', () => {
    expect(
      settings({ 'server-name': 'example.com, www.example.com *.example.org' }).provision.serverName
    ).toBe('example.com www.example.com *.example.org');
  });

  test('modes provision and verify exist', () => {
    expect(settings({ mode: 'verify' }).mode).toBe('verify');
    expect(settings({ mode: 'provision', 'dry-run': 'true' }).provision.dryRun).toBe(true);
  });
});

describe('provision scripts', () => {
  const s = settings({
    'apt-packages': 'python3-flask',
    'server-name': 'shop.example.com',
    'static-path': 'static',
    'import-database': '/root/old.db'
  });
  const ctx = ctxFor(s);

  test('every script is valid bash and quotes what it is given', () => {
    for (const script of [
      packagesScript(packageList(s.provision.aptPackages)),
      userScript(ctx),
      nginxScript(ctx),
      timersScript(ctx),
      importScript(ctx),
      verifyChecklistScript(ctx),
      removeAppScript(ctx)
    ]) {
      syntaxOk(script);
    }

    // Then each runs under bash against stub commands that record their argv, with values that
    // break out of any missing or wrong quoting: quotes, $(...), backticks, ;, a glob, spaces and a
    // newline. The rules refuse all of these (rules.ts); this is the second line of defence, so
    // the values are put into the settings behind the rules' back. A value that escaped its
    // quotes runs `pwned`, or reaches a stub split into several words or expanded.
    const fb = fakeBin();
    try {
      const evil = `we'ird "q" $(pwned 1) \`pwned 2\` ;pwned 3 *`;
      const h = settings({ 'import-database': '/x.db' });
      h.app.name = `shop ${evil}`;
      h.app.dir = `${fb.sandbox}/srv/my app ${evil}`;
      h.provision.importDatabase = `${fb.sandbox}/old db ${evil}\nline2.db`;
      h.deploy.healthPath = `/health?x=${evil}`;
      h.deploy.wsgiApp = `app:app ${evil}`;
      mkdirSync(path.join(h.app.dir, '.deploy'), { recursive: true });
      writeFileSync(h.provision.importDatabase, 'an sqlite file');
      const hc = ctxFor(h);
      const name = h.app.name;
      const dir = h.app.dir;
      const run = (script: string, stdin = ''): ScriptRun => {
        const r = fb.run(`set -euo pipefail\n${prelude(false)}\n${script}\n${REPORT}\n`, {
          stdin,
          env: { GD_APP_DIR: dir }
        });
        expect(callsOf(r, 'pwned')).toEqual([]);
        expect(r.stderr).not.toMatch(/command not found|unexpected|unbound variable/);
        expect(r.code).toBe(0);
        return r;
      };
      const pkg = `nginx ${evil}`;
      const apt = run(packagesScript([pkg]));
      expect(callsOf(apt, 'dpkg-query')).toEqual([['dpkg-query', '-W', '-f=${Status}', pkg]]);
      expect(callsOf(apt, 'apt-get').at(-1)!.at(-1)).toBe(pkg);

      const user = run(userScript(hc));
      expect(callsOf(user, 'df')).toEqual([['df', '-Pk', dir]]);
      expect(callsOf(user, 'gpasswd')).toEqual([['gpasswd', '-d', name, 'sudo']]);
      expect(callsOf(user, 'install')).toEqual([
        ['install', '-d', '-m', '0750', '-o', name, '-g', 'adm', `/var/log/${name}`],
        ['install', '-d', '-m', '0750', '-o', 'root', '-g', name, `/etc/${name}`]
      ]);
      expect(callsOf(user, 'id').at(-1)).toEqual(['id', '-u', `${name}-build`]);

      const nginx = run(nginxScript(hc), 'server {}\n');
      const avail = `/etc/nginx/sites-available/${name}.conf`;
      expect(callsOf(nginx, 'install').map((c) => c.at(-1))).toContain(avail);
      expect(callsOf(nginx, 'ln')).toEqual([['ln', '-sfn', avail, `/etc/nginx/sites-enabled/${name}.conf`]]);

      const imp = run(importScript(hc));
      const src = h.provision.importDatabase;
      expect(callsOf(imp, 'sqlite3')[0]).toEqual(['sqlite3', '-readonly', src, 'PRAGMA integrity_check']);
      expect(callsOf(imp, 'sqlite3')[1]!.slice(0, 4)).toEqual(['sqlite3', '-cmd', '.timeout 15000', src]);
      expect(callsOf(imp, 'mktemp')).toEqual([['mktemp', '-d', `${dir}/.gd-import.XXXXXX`]]);
      expect(callsOf(imp, 'chown')[0]!.slice(0, 2)).toEqual(['chown', `${name}:${name}`]);
      const setpriv = callsOf(imp, 'setpriv')[0]!;
      expect(setpriv.slice(0, 3)).toEqual(['setpriv', `--reuid=${name}`, `--regid=${name}`]);
      expect(setpriv.at(-1)).toBe(`${dir}/shared/instance/app.db`);
      // What was imported, with its hash, in the marker: the path as given, newline and all.
      expect(readFileSync(path.join(dir, '.deploy', 'imported-database'), 'utf8')).toMatch(
        new RegExp(`^${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} [0-9a-f]{64}\n$`)
      );

      const verify = run(verifyChecklistScript(hc));
      expect(callsOf(verify, 'systemctl').slice(0, 2)).toEqual([
        ['systemctl', 'is-active', `${name}.service`],
        ['systemctl', 'is-enabled', `${name}.service`]
      ]);
      expect(callsOf(verify, 'curl')[0]!.slice(-3)).toEqual([
        '--unix-socket',
        `/run/${name}/gunicorn.sock`,
        `http://localhost${h.deploy.healthPath}`
      ]);
      const probe = callsOf(verify, 'systemd-run')[0]!;
      expect(probe).toContain(`User=${name}`);
      expect(probe).toContain(`WorkingDirectory=${dir}/current`);
      // Every $ doubled for systemd, which turns $$ back into $: Python gets the name as written.
      expect(probe.at(-1)).toBe(h.deploy.wsgiApp.replace(/\$/g, '$$$$'));

      // The templates refuse such names themselves (render.ts), so the timers run with plain ones.
      const timers = run(timersScript(ctx), filesInput(timerFiles(ctx)));
      expect(
        callsOf(timers, 'systemctl').filter((c) => c[1] !== 'is-active' && c[1] !== 'is-enabled')
      ).toEqual([
        ['systemctl', 'daemon-reload'],
        ['systemctl', 'enable', '--quiet', 'shop-health.timer'],
        ['systemctl', 'start', 'shop-health.timer'],
        ['systemctl', 'enable', '--quiet', 'shop-db-maintenance.timer'],
        ['systemctl', 'start', 'shop-db-maintenance.timer']
      ]);
    } finally {
      fb.cleanup();
    }
    expect(packagesScript(['nginx', 'curl'])).toContain("\npackages='nginx\ncurl'\n");
    expect(nginxScript(ctx)).toContain("avail='/etc/nginx/sites-available/shop.conf'");
  });

  test('apt is only touched when a package is missing, and unknown names stop it before install', async () => {
    // The script runs for real under bash, against fake dpkg-query, apt-get and apt-cache that
    // record every call: INSTALLED lists what dpkg knows, KNOWN what apt could install.
    const bin = await mkdtemp(path.join(os.tmpdir(), 'gd-fake-apt-'));
    const calls = path.join(bin, 'calls');
    const fake = (name: string, body: string): Promise<void> =>
      writeFile(path.join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${calls}\n${body}\n`, {
        mode: 0o755
      });
    await fake(
      'dpkg-query',
      'for p in $INSTALLED; do [ "$p" = "${@: -1}" ] && { printf "install ok installed"; exit 0; }; done; exit 1'
    );
    await fake(
      'apt-cache',
      'for p in $KNOWN; do [ "$p" = "$2" ] && { echo "  Candidate: 1.0"; exit 0; }; done; echo "  Candidate: (none)"'
    );
    await fake('apt-get', 'exit 0');
    const runScript = (
      pkgs: string[],
      installed: string,
      known: string
    ): { code: number; out: string; calls: string[] } => {
      execFileSync('rm', ['-f', calls]);
      const r = spawnSync(
        'bash',
        ['-c', `set -euo pipefail\n${prelude(false)}\n${packagesScript(pkgs)}\n${REPORT}`],
        {
          encoding: 'utf8',
          env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, INSTALLED: installed, KNOWN: known }
        }
      );
      const made = spawnSync('cat', [calls], { encoding: 'utf8' }).stdout.trim().split('\n');
      return { code: r.status ?? -1, out: r.stdout, calls: made.filter((l) => l) };
    };
    // All installed: dpkg is asked, apt never runs.
    const none = runScript(['nginx', 'curl'], 'nginx curl', 'nginx curl');
    expect(none.code).toBe(0);
    expect(none.calls.filter((c) => c.startsWith('apt'))).toEqual([]);
    expect(none.out).toMatch(/^changed=$/m);
    // One missing: update, its candidate looked up, then installed alone.
    const one = runScript(['nginx', 'curl'], 'nginx', 'nginx curl');
    expect(one.code).toBe(0);
    expect(one.calls.filter((c) => c.startsWith('apt'))).toEqual([
      'apt-get -q -o DPkg::Lock::Timeout=300 update',
      'apt-cache policy curl',
      'apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends curl'
    ]);
    expect(one.out).toMatch(/^changed= curl$/m);
    // An unknown name: refused after the update, before anything is installed.
    const typo = runScript(['nginx', 'curll'], 'nginx', 'nginx curl');
    expect(typo.code).toBe(5);
    expect(typo.out).toMatch(/^unknown=curll$/m);
    expect(typo.calls.some((c) => c.includes(' install '))).toBe(false);
  });

  test('the timers come from the templates with the provision settings', () => {
    const c = ctxFor(settings({ 'health-interval': '2m', 'backups-days': '7' }));
    const t = timersScript(c);
    // The text travels on stdin, one base64 line per file in the order of write_files.sh's list.
    const paths = [...t.matchAll(/^(?:write_files=')?[0-7]{3,4} [\w-]+:[\w-]+ (\/[^'\n]+)'?$/gm)].map(
      (m) => m[1]!
    );
    expect(paths.length).toBeGreaterThan(2);
    const lines = filesInput(timerFiles(c)).trimEnd().split('\n');
    expect(lines).toHaveLength(paths.length);
    const decoded = paths.map((p, i) => [p, Buffer.from(lines[i]!, 'base64').toString()] as const);
    for (const [, text] of decoded) expect(t).not.toContain(Buffer.from(text).toString('base64'));
    const timer = decoded.find(([p]) => p === '/etc/systemd/system/shop-health.timer')![1];
    expect(timer).toContain('OnUnitActiveSec=120s');
    const db = decoded.find(([p]) => p!.endsWith('shop-db-maintenance'))![1];
    expect(db).toContain('keep_days=7');
    expect(db).toContain("db='/srv/shop/shared/instance/app.db'");
  });
});

describe("the files provision writes are the renderers' files by role, at the layout's paths", () => {
  /** A Remote that records each script and its stdin and answers success. */
  function recording(): { remote: Remote; calls: { script: string; stdin: string }[] } {
    const calls: { script: string; stdin: string }[] = [];
    const remote = {
      script: async (script: string, opts: { stdin?: unknown } = {}) => {
        calls.push({ script, stdin: typeof opts.stdin === 'string' ? opts.stdin : '' });
        return { code: 0, stdout: '', stderr: '', timedOut: false };
      }
    } as unknown as Remote;
    return { remote, calls };
  }
  const decode = (stdin: string): string[] =>
    stdin
      .trimEnd()
      .split('\n')
      .map((l) => Buffer.from(l, 'base64').toString());

  test('nginx: the site on stdin, installed at layout.nginxSite and linked at layout.nginxEnabled', async () => {
    const c = ctxFor(settings({ 'server-name': 'shop.example.com' }));
    const { remote, calls } = recording();
    await ensureNginx({ ...c, remote });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.stdin).toBe(renderNginxSite(provisionVars(c)).content);
    expect(calls[0]!.stdin).toContain('server_name shop.example.com');
    expect(calls[0]!.script).toContain(`\navail='${c.paths.nginxSite}'\nenabled='${c.paths.nginxEnabled}'\n`);
  });

  test('logrotate: the rules at layout.logrotate', async () => {
    const c = ctxFor(settings());
    const { remote, calls } = recording();
    await ensureLogrotate({ ...c, remote });
    const want = renderLogrotate(provisionVars(c));
    expect(want.path).toBe(c.paths.logrotate);
    expect(decode(calls[0]!.stdin)).toEqual([want.content]);
    expect(calls[0]!.script).toContain(`0644 root:root ${c.paths.logrotate}`);
  });

  test("timers: script, service and timer of each, at the layout's unit files", async () => {
    const c = ctxFor(settings());
    const { remote, calls } = recording();
    await ensureTimers({ ...c, remote });
    const vars = provisionVars(c);
    const want = [renderHealthUnits(vars), renderDbMaintenanceUnits(vars)].flatMap((f) => [
      f.script,
      f.service,
      f.timer
    ]);
    expect(want.map((f) => f.path)).toEqual([
      c.paths.healthScript,
      c.paths.units.healthService.file,
      c.paths.units.healthTimer.file,
      c.paths.dbScript,
      c.paths.units.dbService.file,
      c.paths.units.dbTimer.file
    ]);
    expect(decode(calls[0]!.stdin)).toEqual(want.map((f) => f.content));
    for (const u of [c.paths.units.healthTimer, c.paths.units.dbTimer])
      expect(calls[0]!.script).toContain(`${u.name} ${u.file} `); // timers.sh enables each
  });
});

describe('writeFilesScript (run locally in a scratch folder)', () => {
  // It sets owners (root:root), which only root may.
  needs('root', process.getuid?.() === 0)('writes only what differs; a dry run writes nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-files-'));
    const files = [
      { path: `${dir}/a.conf`, content: 'one\n', mode: '0644', owner: 'root:root' },
      { path: `${dir}/sub/b.sh`, content: '#!/bin/sh\n', mode: '0755', owner: 'root:root' }
    ];
    const run = (dry: boolean): string =>
      execFileSync(
        'bash',
        ['-c', `set -euo pipefail\n${prelude(dry)}\n${writeFilesScript(files)}\n${REPORT}`],
        {
          encoding: 'utf8',
          input: filesInput(files)
        }
      );
    expect(run(true)).toMatch(/would=create .*a\.conf/);
    expect(() => execFileSync('test', ['-e', `${dir}/a.conf`])).toThrow();
    expect(run(false)).toContain(`changed= ${dir}/a.conf ${dir}/sub/b.sh`);
    expect(await readFile(`${dir}/sub/b.sh`, 'utf8')).toBe('#!/bin/sh\n');
    expect(run(false).trim()).toBe('changed=');
    await writeFile(`${dir}/a.conf`, 'edited by hand\n');
    const dry = run(true);
    expect(dry).toContain(`would=rewrite ${dir}/a.conf`);
    expect(dry).toContain('diff=+one');
    expect(run(false).trim()).toBe(`changed= ${dir}/a.conf`);
    execFileSync('chmod', ['0600', `${dir}/sub/b.sh`]);
    expect(run(false).trim()).toBe(`changed= ${dir}/sub/b.sh`);
  });
});

describe('verify checklist output', () => {
  test('parses checks and prints RED', () => {
    const checks = parseChecks(
      'noise\ncheck=service|ok|active, enabled\ncheck=timers|red|not active: shop-health.timer\ncheck=database|n/a|no sqlite-db set\n'
    );
    expect(checks).toEqual([
      { name: 'service', state: 'ok', detail: 'active, enabled' },
      { name: 'timers', state: 'red', detail: 'not active: shop-health.timer' },
      { name: 'database', state: 'n/a', detail: 'no sqlite-db set' }
    ]);
    expect(checksTable(checks)).toMatch(/timers\s+RED\s+not active/);
  });
});

describe('sourceHash', () => {
  test('ignores times and excluded paths, follows content and settings', async () => {
    const a = await mkdtemp(path.join(os.tmpdir(), 'gd-src-'));
    await writeFile(path.join(a, 'app.py'), 'print(1)\n');
    const b = await mkdtemp(path.join(os.tmpdir(), 'gd-src-'));
    await cp(a, b, { recursive: true });
    await utimes(path.join(b, 'app.py'), new Date(0), new Date(1_000_000));
    execFileSync('mkdir', ['-p', path.join(b, '__pycache__')]);
    await writeFile(path.join(b, '__pycache__', 'x.pyc'), 'junk');
    const h = (dir: string, over: Record<string, string> = {}): Promise<string> =>
      sourceHash(settings({ source: dir, ...over }));
    expect(await h(a)).toBe(await h(b));
    expect(await h(a, { commit: 'f'.repeat(40) })).toBe(await h(a));
    expect(await h(a, { env: 'X=1' })).not.toBe(await h(a));
    await writeFile(path.join(b, 'app.py'), 'print(2)\n');
    expect(await h(b)).not.toBe(await h(a));
  });

  test('is keyed by the deploy key: the recorded hash says nothing about env values to anyone without it', async () => {
    const a = await mkdtemp(path.join(os.tmpdir(), 'gd-src-'));
    await writeFile(path.join(a, 'app.py'), 'print(1)\n');
    const other = KEY.replace('abc', 'xyz');
    const withKey = (key: string): Promise<string> =>
      sourceHash(settings({ source: a, env: 'SECRET_KEY=hunter2', 'private-key': key }));
    expect(await withKey(KEY)).toBe(await withKey(KEY));
    expect(await withKey(other)).not.toBe(await withKey(KEY));
    // A plain sha256 of source and settings would not change with the key: a dictionary of weak
    // secrets could then be tried against the hash sudo's journal keeps.
  });
});

test("mode remove takes the app's processes too: each installed instance stopped, its template unit removed", () => {
  // A fake root: the script's own paths moved under a temporary folder, systemctl a stub.
  const root = execFileSync('mktemp', ['-d']).toString().trim();
  const ctx = ctxFor(settings({ 'remove-confirm': 'shop', mode: 'remove' }));
  const installed = `${root}/etc/shop/processes/installed`;
  mkdirSync(path.dirname(installed), { recursive: true });
  mkdirSync(`${root}/etc/systemd/system`, { recursive: true });
  mkdirSync(`${root}/bin`, { recursive: true });
  writeFileSync(installed, 'worker 2\nbeat 1\nbad;name 1\n');
  for (const n of ['worker', 'beat', 'other'])
    writeFileSync(`${root}/etc/systemd/system/shop-${n}@.service`, '');
  writeFileSync(`${root}/bin/systemctl`, `#!/bin/sh\necho "$*" >> ${root}/calls\n`, { mode: 0o755 });
  const script = removeAppScript(ctx);
  expect(script).toContain("\nprocesses_installed='/etc/shop/processes/installed'\n");
  expect(script).toContain("\napp='shop'\n");
  // remove_app.sh's processes part, with the values its prologue gives, under the fake root.
  const part = script
    .slice(script.indexOf("# The app's processes"), script.indexOf('for t in '))
    .replaceAll('/etc/systemd/system/', `${root}/etc/systemd/system/`);
  const values = `app=shop; processes_installed=${installed}; schedules_installed=${root}/none`;
  execFileSync('bash', ['-c', `${prelude(false)}\n${values}\n${part}`], {
    env: { ...process.env, PATH: `${root}/bin:${process.env.PATH}` }
  });
  const calls = readFileSync(`${root}/calls`, 'utf8');
  expect(calls).toContain('disable --now --quiet shop-worker@1.service');
  expect(calls).toContain('disable --now --quiet shop-worker@2.service');
  expect(calls).toContain('disable --now --quiet shop-beat@1.service');
  expect(calls).not.toContain('bad');
  const left = execFileSync('ls', [`${root}/etc/systemd/system`])
    .toString()
    .trim()
    .split('\n');
  expect(left).toEqual(['shop-other@.service']);
});
