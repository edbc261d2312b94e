import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { templatesDir } from '../../src/render/templates-dir.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { appLayout } from '../../src/deploy/paths.js';
import { memoryLogger } from '../../src/log.js';
import { parseSettings } from '../../src/settings.js';
import type { Remote } from '../../src/ssh/types.js';
import { appFiles, installScript, restoreScript, type StagedConfig } from '../../src/steps/config.js';

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
