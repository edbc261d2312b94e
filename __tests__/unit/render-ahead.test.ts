import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { prepareRenderAhead } from '../../src/render/ahead.js';
import { APP_UNIT_TEMPLATES, renderAppUnits } from '../../src/render/files.js';
import { serverScript } from '../../src/render/scripts.js';
import { compileTemplate, renderTemplate } from '../../src/render/templates.js';
import { templateVars } from '../../src/render/vars.js';

// What a deploy reads and compiles while it waits for the lock (src/render/ahead.ts): afterwards
// the config step's render and the steps' scripts need nothing from disk.
const vars = templateVars({ app: 'shop', user: 'shop', group: 'shop', workers: 3, env: [] });

describe('prepareRenderAhead', () => {
  let dir: string;
  const saved = process.env.GUNICORN_DEPLOY_TEMPLATES;
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'gd-ahead-')), 'templates');
    cpSync(path.resolve('templates'), dir, { recursive: true });
    process.env.GUNICORN_DEPLOY_TEMPLATES = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.GUNICORN_DEPLOY_TEMPLATES;
    else process.env.GUNICORN_DEPLOY_TEMPLATES = saved;
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  test('reads every server script and the app templates ahead: changed on disk after, both render as read', async () => {
    const expected = renderAppUnits(vars, path.resolve('templates'));
    await prepareRenderAhead();
    for (const name of Object.values(APP_UNIT_TEMPLATES))
      writeFileSync(path.join(dir, `${name}.hbs`), 'changed');
    for (const name of ['lock', 'candidate_warm'])
      writeFileSync(path.join(dir, 'scripts', `${name}.sh`), 'changed');
    expect(renderAppUnits(vars)).toEqual(expected);
    expect(serverScript('lock', { app: 'shop' })).not.toContain('changed');
    expect(serverScript('candidate_warm', {})).not.toContain('changed');
  });

  test('a template that does not compile fails its real render, not the read ahead', async () => {
    writeFileSync(path.join(dir, `${APP_UNIT_TEMPLATES.env}.hbs`), '{{#if x}}never closed');
    await expect(prepareRenderAhead()).resolves.toBeUndefined();
    expect(() => renderTemplate(APP_UNIT_TEMPLATES.env, vars, dir)).toThrow(/Parse error|doesn't match/);
  });

  test('compiled ahead, a render still refuses a variable it lacks (strict mode)', () => {
    writeFileSync(path.join(dir, 'strict-probe.hbs'), 'a={{a}} b={{b}}');
    compileTemplate('strict-probe', dir);
    expect(renderTemplate('strict-probe', { a: 1, b: 2 } as never, dir)).toBe('a=1 b=2');
    expect(() => renderTemplate('strict-probe', { a: 1 } as never, dir)).toThrow(/"b" not defined/);
  });
});
