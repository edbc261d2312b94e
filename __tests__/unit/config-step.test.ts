import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { templatesDir } from '../../src/render/templates-dir.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { appFiles, installScript, restoreScript, type StagedConfig } from '../../src/steps/config.js';
import { callsOf, fakeBin, type FakeBin, type ScriptRun } from '../support/fake-bin.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n';
const all: Record<string, string> = {
  host: '10.0.0.5',
  'private-key': KEY,
  'app-name': 'shop',
  'app-dir': '/opt/shop',
  'trust-on-first-use': 'true'
};
const settings = parseSettings((n) => all[n] ?? '');
const ctx: DeployContext = {
  remote: {} as Remote,
  settings,
  logger: memoryLogger(),
  label: 'h',
  records: [],
  paths: appLayout(settings),
  facts: {}
};

function staged(changed: string[]): StagedConfig {
  return {
    files: appFiles(ctx, 2),
    changedFiles: changed,
    envFile: '',
    gunicornConf: '',
    stagedDir: ctx.paths.staged,
    previousDir: ctx.paths.configPrevious
  };
}

test("the app's files go to the layout's paths, in the order stageScript reads them", () => {
  const p = ctx.paths;
  expect(appFiles(ctx, 2).map((f) => f.path)).toEqual([
    p.units.socket.file,
    p.units.service.file,
    p.gunicornConf,
    p.envFile
  ]);
});

test('systemd is reloaded when one of the layout units changed, not for Gunicorn config or env alone', () => {
  const p = ctx.paths;
  // config_install.sh reloads when its daemon_reload value is 1.
  expect(installScript(ctx, staged([p.units.service.file]))).toMatch(/^daemon_reload='1'$/m);
  expect(restoreScript(ctx, staged([p.units.socket.file]))).toContain('systemctl daemon-reload');
  expect(installScript(ctx, staged([p.gunicornConf, p.envFile]))).toMatch(/^daemon_reload='0'$/m);
  expect(restoreScript(ctx, staged([p.gunicornConf]))).not.toContain('daemon-reload');
});

test('the units are enabled and the socket started by the names of the layout', () => {
  const script = installScript(ctx, staged([]));
  expect(script).toMatch(/^# config_install\.sh$/m);
  expect(script).toMatch(/^socket='shop\.socket'\nservice='shop\.service'$/m);
  const body = readFileSync(path.join(templatesDir(), 'scripts', 'config_install.sh'), 'utf8');
  expect(body).toContain('systemctl enable --quiet "$socket"');
  expect(body).toContain('systemctl enable --quiet "$service"');
  expect(body).toContain('systemctl start "$socket"');
});

describe('the units script: what systemd is asked, and what is done with each answer', () => {
  let fb: FakeBin;
  let units: DeployContext;
  beforeEach(() => {
    fb = fakeBin({
      // GD_SHOW: show's whole answer; is-enabled and is-active from GD_ENABLED / GD_SOCKET_ACTIVE.
      systemctl: `case "$1" in
  show) printf '%b' "\${GD_SHOW:-}";;
  is-enabled) [ "\${GD_ENABLED:-no}" = yes ];;
  is-active) [ "\${GD_SOCKET_ACTIVE:-no}" = yes ];;
esac`
    });
    // The unit files (and so the links enable makes) in the scratch folder.
    const dir = `${fb.sandbox}/system`;
    const unit = (name: string) => ({ name, file: `${dir}/${name}` });
    units = {
      ...ctx,
      paths: {
        ...ctx.paths,
        units: { ...ctx.paths.units, socket: unit('shop.socket'), service: unit('shop.service') }
      }
    };
    for (const [t, u] of [
      ['sockets', 'shop.socket'],
      ['multi-user', 'shop.service']
    ]) {
      mkdirSync(`${dir}/${t}.target.wants`, { recursive: true });
      symlinkSync(`${dir}/${u}`, `${dir}/${t}.target.wants/${u}`);
    }
  });
  afterEach(() => fb.cleanup());

  const show = (socket: [string, string], service: [string, string]): string =>
    `Id=shop.socket\nActiveState=${socket[0]}\nUnitFileState=${socket[1]}\n\n` +
    `Id=shop.service\nActiveState=${service[0]}\nUnitFileState=${service[1]}\n`;
  const run = (env: Record<string, string>): ScriptRun =>
    fb.run(`set -euo pipefail\n${installScript(units, staged([]))}`, { env });
  const asked = (r: ScriptRun): string[] => callsOf(r, 'systemctl').map((c) => c.slice(1).join(' '));

  test('every deploy after the first: one question for both units, nothing changed', () => {
    const r = run({ GD_SHOW: show(['active', 'enabled'], ['active', 'enabled']) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^socket_was_active=yes$/m);
    expect(asked(r)).toEqual(['show -p Id -p ActiveState -p UnitFileState shop.socket shop.service']);
  });

  test('the blocks are told apart by Id, not by their order', () => {
    const [sock, svc] = show(['active', 'enabled'], ['inactive', 'disabled']).split('\n\n');
    const r = run({ GD_SHOW: `${svc}\n${sock}\n`, GD_ENABLED: 'no' });
    expect(asked(r)).toContain('enable --quiet shop.service');
    expect(asked(r)).toContain('enable --quiet shop.socket');
    expect(asked(r)).not.toContain('start shop.socket');
  });

  test.each([
    'static',
    'linked',
    'alias',
    'indirect',
    'enabled-runtime',
    'disabled',
    'masked',
    'generated',
    ''
  ])('any state but enabled (%p) is asked of is-enabled, which decides as always', (state) => {
    for (const enabled of ['yes', 'no']) {
      const r = run({ GD_SHOW: show(['active', 'enabled'], ['active', state]), GD_ENABLED: enabled });
      expect(r.code).toBe(0);
      // Enabled only where is-enabled says it is not (exit 0 for static, alias, indirect...).
      const want =
        enabled === 'yes'
          ? ['is-enabled --quiet shop.socket', 'is-enabled --quiet shop.service']
          : [
              'is-enabled --quiet shop.socket',
              'enable --quiet shop.socket',
              'is-enabled --quiet shop.service',
              'enable --quiet shop.service'
            ];
      expect(asked(r).slice(1)).toEqual(want);
    }
  });

  test('systemd says enabled but a link was removed by hand since its last reload: asked again', () => {
    rmSync(`${fb.sandbox}/system/multi-user.target.wants/shop.service`);
    const r = run({ GD_SHOW: show(['active', 'enabled'], ['active', 'enabled']) });
    expect(asked(r)).toContain('enable --quiet shop.service');
  });

  test('the first deploy (unknown units, no links) or no answer: enabled and the socket started', () => {
    rmSync(`${fb.sandbox}/system`, { recursive: true });
    for (const answer of [show(['inactive', ''], ['inactive', '']), '']) {
      const r = run({ GD_SHOW: answer });
      expect(r.stdout).not.toMatch(/socket_was_active/);
      expect(asked(r).slice(1)).toEqual([
        'is-enabled --quiet shop.socket',
        'enable --quiet shop.socket',
        'is-enabled --quiet shop.service',
        'enable --quiet shop.service',
        'is-active --quiet shop.socket',
        'start shop.socket'
      ]);
    }
  });
});
