import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { DeployContext } from '../../src/deploy/context.js';
import { installKeptScript, putBackScript } from '../../src/steps/release-units.js';
import { writeSetScript } from '../../src/steps/processes.js';
import { serverOneLine } from '../../src/render/scripts.js';
import { keepConfigCommand, readKeptConfigCommand } from '../../src/deploy/release-config.js';
import { listStatesCommand, stateCommand } from '../../src/deploy/release-record.js';
import { readMigrationStateCommand, recordMigration } from '../../src/deploy/migration-state.js';
import {
  databaseSeenPath,
  readReleaseSettingsCommand,
  rememberCommand,
  releaseSettingsPath,
  rememberedPath
} from '../../src/deploy/remembered.js';
import { historyCommand, SAVED_RELOAD } from '../../src/steps/history.js';
import { callsOf, fakeBin, type FakeBin } from '../support/fake-bin.js';
import { scriptContext } from '../support/script-context.js';
import type { Remote } from '../../src/ssh/types.js';

// Scripts of templates/scripts/ run under bash against stubs: the commands they run, in order,
// with the values TypeScript gave them (what the server does with them is the e2e tests' part).

let fb: FakeBin;
beforeEach(() => {
  fb = fakeBin();
});
afterEach(() => fb.cleanup());

const makeCtx = scriptContext;

const run = (script: string) => fb.run(`set -euo pipefail\n${script}`);

describe('release_units_install.sh and release_units_put_back.sh', () => {
  const prev = '/srv/shop/.deploy/config-previous';
  it("saves each live file, installs the release's kept copy over it, reloads systemd for the unit", () => {
    const r = run(installKeptScript(makeCtx(), 'R1', ['service', 'gunicorn']));
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      ['rm', '-rf', '--', prev],
      ['install', '-d', '-m', '0700', prev],
      ['cp', '-a', '--', '/etc/systemd/system/shop.service', `${prev}/shop.service`],
      [
        'install',
        ...['-m', '0644', '-o', 'root', '-g', 'root', '--'],
        '/etc/shop/release-config/R1/shop.service',
        '/etc/systemd/system/shop.service'
      ],
      ['cp', '-a', '--', '/etc/shop/gunicorn.conf.py', `${prev}/gunicorn.conf.py`],
      [
        'install',
        ...['-m', '0644', '-o', 'root', '-g', 'root', '--'],
        '/etc/shop/release-config/R1/gunicorn.conf.py',
        '/etc/shop/gunicorn.conf.py'
      ],
      ['systemctl', 'daemon-reload']
    ]);
    // The Gunicorn config alone: no daemon-reload.
    expect(callsOf(run(installKeptScript(makeCtx(), 'R1', ['gunicorn'])), 'systemctl')).toEqual([]);
  });

  it('puts back only the saved files that are there', () => {
    const ctx = makeCtx({}, `${fb.sandbox}/srv/shop`);
    const saved = ctx.paths.configPrevious;
    mkdirSync(saved, { recursive: true });
    writeFileSync(`${saved}/gunicorn.conf.py`, 'workers = 2\n');
    const r = run(putBackScript(ctx, ['service', 'gunicorn']));
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([
      ['cp', '-a', '--', `${saved}/gunicorn.conf.py`, '/etc/shop/gunicorn.conf.py'],
      ['systemctl', 'daemon-reload']
    ]);
  });
});

describe("processes_set.sh: root's copy of the RQ stop program", () => {
  const rq = '/etc/shop/processes/rq-requeue.py';
  it('is written (then made readable and moved in place) only when a process is an RQ worker', () => {
    // Without set -e: /etc/shop is not there to write into, and the commands after are the point.
    const worker = fb.run(writeSetScript(makeCtx({ processes: 'worker: rq worker jobs' }), 'R1'));
    expect(callsOf(worker, 'chmod')).toEqual([['chmod', '0644', `${rq}.new`]]);
    expect(callsOf(worker, 'mv')[0]).toEqual(['mv', '-T', '--', `${rq}.new`, rq]);
    const celery = fb.run(writeSetScript(makeCtx({ processes: 'worker: celery -A app worker' }), 'R1'));
    expect(callsOf(celery, 'chmod')).toEqual([]);
    expect(callsOf(celery, 'mv').map((c) => c.at(-1))).not.toContain(rq);
  });
});

describe('serverOneLine', () => {
  it("joins the file's statements with `; ` after the prologue, comments left out", () => {
    const line = serverOneLine('rq_stop', { limit: 3 });
    expect(line).toMatch(/^limit='3'; p=\$\{MAINPID:-\}; /);
    expect(line).not.toMatch(/\n|# /);
  });
  it('refuses a file with a line that cannot be joined', () => {
    const dir = `${fb.sandbox}/templates`;
    mkdirSync(`${dir}/scripts`, { recursive: true });
    writeFileSync(`${dir}/scripts/loop.sh`, 'for i in 1 2; do\n  echo "$i"\ndone\n');
    expect(() => serverOneLine('loop', {}, dir)).toThrow(/"for i in 1 2; do" cannot be joined/);
  });
});

describe('migration_record.sh, migration_state_read.sh, release_settings_read.sh', () => {
  it("records a release's migration, clears database-ahead, drops records of releases gone; reads them back", async () => {
    const ctx = makeCtx({}, `${fb.sandbox}/srv/shop`);
    const p = ctx.paths;
    mkdirSync(`${p.releases}/R1`, { recursive: true });
    mkdirSync(`${p.state}/migrations`, { recursive: true });
    writeFileSync(`${p.state}/migrations/GONE`, 'schema=1->2\n');
    writeFileSync(`${p.state}/database-ahead`, 'R0\n');
    const scripts: string[] = [];
    ctx.remote = {
      script: (text: string) => {
        scripts.push(text);
        return Promise.resolve({ code: 0, stdout: '', stderr: '', serverMs: 0, timedOut: false });
      }
    } as unknown as Remote;
    await recordMigration(ctx, 'R1', '5');
    const real = fakeBin({ rm: 'exec /usr/bin/rm "$@"', install: 'exec /usr/bin/install "$@"' });
    try {
      const r = real.run(`set -euo pipefail\n${scripts.at(-1)!}`);
      expect(r.code).toBe(0);
      expect(r.calls.map((c) => c.slice(0, 2))).toEqual([
        ['install', '-d'],
        ['rm', '-f'],
        ['rm', '-f']
      ]);
      const read = real.run(`set -euo pipefail\n${readMigrationStateCommand(ctx)}`);
      // No SQLite database to ask: the schema after is unknown, which counts as changed.
      expect(read.stdout).toBe('migrated_R1=schema=5->?\n');
      writeFileSync(`${p.state}/database-ahead`, 'R1\n');
      expect(real.run(readMigrationStateCommand(ctx)).stdout).toBe(
        'migrated_R1=schema=5->?\ndatabase_ahead=R1\n'
      );
      const dir = releaseSettingsPath(ctx, 'R1').replace(/\/[^/]*$/, '');
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/R1.json`, '{"a":\n1}\n');
      expect(real.run(`set -euo pipefail\n${readReleaseSettingsCommand(ctx)}`).stdout).toBe(
        'rsettings_R1={"a":1}\n'
      );
    } finally {
      real.cleanup();
    }
  });
});

describe('release_config_keep.sh and release_config_read.sh', () => {
  it('reads which kept files differ from the live ones; a keep that fails is a warning, and folders of releases gone go', () => {
    const base = makeCtx({}, `${fb.sandbox}/srv/shop`);
    const etc = `${fb.sandbox}/etc/shop`;
    const service = `${fb.sandbox}/sys/shop.service`;
    const ctx: DeployContext = {
      ...base,
      paths: {
        ...base.paths,
        etc,
        gunicornConf: `${etc}/gunicorn.conf.py`,
        units: { ...base.paths.units, service: { ...base.paths.units.service, file: service } }
      }
    };
    const rc = `${etc}/release-config`;
    for (const r of ['R1', 'R2']) mkdirSync(`${ctx.paths.releases}/${r}`, { recursive: true });
    for (const r of ['R1', 'R2', 'GONE', 'HALF']) mkdirSync(`${rc}/${r}`, { recursive: true });
    mkdirSync(`${fb.sandbox}/sys`);
    writeFileSync(ctx.paths.gunicornConf, 'g1');
    writeFileSync(service, 's1');
    writeFileSync(`${rc}/R1/shop.service`, 's1');
    writeFileSync(`${rc}/R1/gunicorn.conf.py`, 'g0');
    writeFileSync(`${rc}/R2/shop.service`, 's0');
    writeFileSync(`${rc}/R2/gunicorn.conf.py`, 'g0');
    writeFileSync(`${rc}/HALF/shop.service`, 's0');
    // The records of a release gone, and of one still there.
    const states = `${ctx.paths.state}/release-states`;
    const rsettings = `${ctx.paths.state}/release-settings`;
    for (const d of [states, rsettings]) mkdirSync(d, { recursive: true });
    for (const r of ['R1', 'GONE']) {
      writeFileSync(`${states}/${r}`, 'live\n');
      writeFileSync(`${rsettings}/${r}.json`, '{}\n');
    }
    const real = fakeBin({ rm: 'exec /usr/bin/rm "$@"', install: '[ "$1" = -d ] || exit 1' });
    try {
      expect(real.run(`set -euo pipefail\n${readKeptConfigCommand(ctx)}`).stdout).toBe(
        'rconfig_R1=gunicorn\nrconfig_R2=service gunicorn\n'
      );
      const keep = real.run(`set -euo pipefail\n${keepConfigCommand(ctx, 'R2')}`);
      expect(keep.code).toBe(0);
      expect(keep.stderr).toBe('warning: the configuration of R2 was not kept for a rollback\n');
      // One install makes the folder and copies both files (each keeps its live name).
      expect(callsOf(keep, 'install')).toEqual([
        [
          'install',
          ...['-D', '-m', '0644', '-o', 'root', '-g', 'root', '-t', `${rc}/R2.new`, '--'],
          service,
          ctx.paths.gunicornConf
        ]
      ]);
      // One rm for every folder and record of a release gone; the old set stays when the new one failed.
      expect(callsOf(keep, 'rm')).toEqual([
        ['rm', '-rf', '--', `${rc}/GONE`, `${rc}/HALF`, `${states}/GONE`, `${rsettings}/GONE.json`]
      ]);
      expect(existsSync(`${states}/R1`) && existsSync(`${rsettings}/R1.json`)).toBe(true);
      expect(readFileSync(`${rc}/R2/shop.service`, 'utf8')).toBe('s0');
    } finally {
      real.cleanup();
    }
  });

  it('replaces the kept set with install, rm and mv only: no process where there is nothing to do', () => {
    const base = makeCtx({}, `${fb.sandbox}/srv/shop`);
    const etc = `${fb.sandbox}/etc/shop`;
    const ctx: DeployContext = {
      ...base,
      paths: { ...base.paths, etc, gunicornConf: `${etc}/gunicorn.conf.py` }
    };
    const service = ctx.paths.units.service.file;
    const rc = `${etc}/release-config`;
    mkdirSync(`${ctx.paths.releases}/R1`, { recursive: true });
    mkdirSync(`${rc}/R1`, { recursive: true });
    writeFileSync(`${rc}/R1/old`, 'x');
    writeFileSync(ctx.paths.gunicornConf, 'g1');
    // install -D -t DIR -- FILES, as coreutils does it (the stub cannot chown to root).
    const real = fakeBin({
      rm: 'exec /usr/bin/rm "$@"',
      mv: 'exec /usr/bin/mv "$@"',
      install:
        'while [ "$1" != -- ]; do [ "$1" = -t ] && d=$2; shift; done; shift; /usr/bin/mkdir -p "$d"; ' +
        'for f; do case "$f" in /etc/*) echo s1 > "$d/${f##*/}";; *) /usr/bin/cp "$f" "$d/";; esac; done'
    });
    try {
      const keep = real.run(`set -euo pipefail\n${keepConfigCommand(ctx, 'R1')}`);
      expect({ code: keep.code, stderr: keep.stderr }).toEqual({ code: 0, stderr: '' });
      expect(keep.calls.map((c) => c.slice(0, 2))).toEqual([
        ['install', '-D'],
        ['rm', '-rf'],
        ['mv', '-T']
      ]);
      expect(readFileSync(`${rc}/R1/gunicorn.conf.py`, 'utf8')).toBe('g1');
      expect(readFileSync(`${rc}/R1/${service.split('/').at(-1)!}`, 'utf8')).toBe('s1\n');
      expect(existsSync(`${rc}/R1/old`)).toBe(false);
      expect(existsSync(`${rc}/R1.new`)).toBe(false);
    } finally {
      real.cleanup();
    }
  });
});

describe('release_config_keep.sh without its records folders', () => {
  it('forgets no record and never globs / (the records are left to release_states_tidy.sh)', () => {
    const ctx = makeCtx({}, `${fb.sandbox}/srv/shop`);
    // A stub rm that only records: a glob of / must not reach a real one.
    const script = keepConfigCommand(ctx, 'R1')
      .replace(/^states_dir=.*$/m, "states_dir=''")
      .replace(/^settings_dir=.*$/m, "settings_dir=''");
    const r = fb.run(`set -euo pipefail\n${script}`);
    expect(r.code).toBe(0);
    expect(
      callsOf(r, 'rm')
        .flat()
        .filter((a) => a.startsWith('/') && !a.startsWith(fb.sandbox))
    ).toEqual([]);
  });
});

describe('release_state.sh, release_states_tidy.sh, release_states_list.sh', () => {
  it("records a release's state, forgets releases gone, lists every release's state", () => {
    const ctx = makeCtx({}, `${fb.sandbox}/srv/shop`);
    const p = ctx.paths;
    for (const r of ['R1', 'R2']) mkdirSync(`${p.releases}/${r}`, { recursive: true });
    mkdirSync(`${p.state}/release-states`, { recursive: true });
    writeFileSync(`${p.state}/release-states/GONE`, 'live\n');
    const real = fakeBin({
      rm: 'exec /usr/bin/rm "$@"',
      install: 'exec /usr/bin/install "$@"',
      chmod: 'exec /usr/bin/chmod "$@"',
      mv: 'exec /usr/bin/mv "$@"'
    });
    try {
      const built = real.run(`set -euo pipefail\n${stateCommand(ctx, 'R1', 'built')}`);
      expect(built.code).toBe(0);
      expect(callsOf(built, 'rm').map((c) => c.at(-1))).toEqual([`${p.state}/release-states/GONE`]);
      expect(readFileSync(releaseSettingsPath(ctx, 'R1'), 'utf8')).toMatch(/^\{.*\}\n$/);
      expect(real.run(`set -euo pipefail\n${stateCommand(ctx, 'R1', 'live')}`).code).toBe(0);
      expect(real.run(`set -euo pipefail\n${listStatesCommand(ctx)}`).stdout).toBe(
        'state_R1=live\nstate_R2=none\n'
      );
    } finally {
      real.cleanup();
    }
  });
});

describe('database_seen.sh', () => {
  it('notes the database once it is there, and never without sqlite-db', () => {
    const real = fakeBin({ chmod: 'exec /usr/bin/chmod "$@"', mv: 'exec /usr/bin/mv "$@"' });
    try {
      for (const db of ['', 'app.db']) {
        const ctx = makeCtx(db ? { 'sqlite-db': db } : {}, `${real.sandbox}/srv/${db ? 'with' : 'without'}`);
        mkdirSync(ctx.paths.state, { recursive: true });
        mkdirSync(ctx.paths.shared, { recursive: true });
        expect(real.run(`set -euo pipefail\n${rememberCommand(ctx)}`).code).toBe(0);
        expect(existsSync(databaseSeenPath(ctx))).toBe(false);
        writeFileSync(`${ctx.paths.shared}/app.db`, '');
        expect(real.run(`set -euo pipefail\n${rememberCommand(ctx)}`).code).toBe(0);
        expect(existsSync(databaseSeenPath(ctx))).toBe(db !== '');
      }
    } finally {
      real.cleanup();
    }
  });
});

describe('history_reload.sh and the remembered settings: the tidy of a deploy, without a process', () => {
  it("writes the switch's reload into the history line; none, or several, make it unknown", () => {
    const ctx = makeCtx({}, `${fb.sandbox}/srv/shop`);
    mkdirSync(ctx.paths.state, { recursive: true });
    const line = historyCommand(ctx, { event: 'deploy', release: 'R1', reload: SAVED_RELOAD });
    const reloads: string[] = [];
    for (const record of [
      'old_workers=1 2\nreload=hup\n',
      'reload=restart',
      '',
      'reload=hup\nreload=hup\n',
      null
    ]) {
      if (record === null) rmSync(ctx.paths.lastSwitch);
      else writeFileSync(ctx.paths.lastSwitch, record);
      const r = run(line);
      expect({ code: r.code, stderr: r.stderr, calls: r.calls }).toEqual({ code: 0, stderr: '', calls: [] });
      reloads.push(
        (JSON.parse(readFileSync(ctx.paths.history, 'utf8').trim().split('\n').at(-1)!) as { reload: string })
          .reload
      );
    }
    expect(reloads).toEqual(['hup', 'restart', 'unknown', 'unknown', 'unknown']);
  });

  it('writes settings.json 0600 through a temporary file, and leaves it alone when it holds the same', () => {
    const real = fakeBin({ mv: 'exec /usr/bin/mv "$@"', rm: 'exec /usr/bin/rm "$@"' });
    try {
      const ctx = makeCtx({}, `${real.sandbox}/srv/shop`);
      mkdirSync(ctx.paths.state, { recursive: true });
      const to = rememberedPath(ctx);
      // A temporary file an interrupted run left, readable by all: replaced, not reused.
      writeFileSync(`${to}.tmp`, 'old', { mode: 0o644 });
      const first = real.run(`set -euo pipefail\n${rememberCommand(ctx)}`);
      expect(first.calls.map((c) => c[0])).toEqual(['rm', 'mv']);
      expect(statSync(to).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(to, 'utf8'))).toMatchObject({ 'wsgi-app': ctx.settings.deploy.wsgiApp });
      const again = real.run(`set -euo pipefail\n${rememberCommand(ctx)}`);
      expect({ code: again.code, calls: again.calls }).toEqual({ code: 0, calls: [] });
      const other = makeCtx({ workers: '7' }, `${real.sandbox}/srv/shop`);
      expect(real.run(`set -euo pipefail\n${rememberCommand(other)}`).calls.map((c) => c[0])).toEqual(['mv']);
      expect(JSON.parse(readFileSync(to, 'utf8'))).toMatchObject({ workers: '7' });
    } finally {
      real.cleanup();
    }
  });
});
