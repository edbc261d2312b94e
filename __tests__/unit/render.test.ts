import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  checkEnv,
  envQuote,
  renderAppUnits,
  renderDbMaintenanceUnits,
  renderHealthUnits,
  renderLogrotate,
  renderNginxSite,
  renderTemplate,
  templateVars,
  templatesDir,
  type ServerFile
} from '../../src/render.js';
import { layoutFor } from '../../src/deploy/paths.js';
import { legacyPaths } from '../../src/provision/firewall-rules.js';

const REPO = process.cwd();
const TEMPLATES = path.join(REPO, 'templates');

const HOSTILE = [
  '',
  ' leading and trailing ',
  'plain',
  "it's",
  '"double" "quotes"',
  '\\',
  '\\\\',
  'ends with backslash\\',
  '\\"',
  '$HOME ${HOME} $(touch /tmp/pwned) `touch /tmp/pwned`',
  '$',
  'a # not a comment',
  '#leading hash',
  ';leading semicolon',
  'key=value=more',
  'tab\there',
  '\x01\x1b[31m\x7f',
  'héllo ✓ 日本語 🚀',
  "'\"'\"'"
];

describe('envQuote', () => {
  test('always double-quotes and escapes exactly \\ " ` $', () => {
    expect(envQuote('plain')).toBe('"plain"');
    expect(envQuote('')).toBe('""');
    expect(envQuote('a "b" $c `d` \\e #f')).toBe('"a \\"b\\" \\$c \\`d\\` \\\\e #f"');
  });

  test('a POSIX shell reads every hostile value back byte for byte (same rules as systemd)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'envq-'));
    try {
      const file = path.join(dir, 'env');
      writeFileSync(file, HOSTILE.map((v, i) => `V${i}=${envQuote(v)}\n`).join(''));
      const script = `set -a; . ${file}; ${HOSTILE.map((_, i) => `printf '%s\\0' "$V${i}"`).join('; ')}`;
      const out = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
      expect(out.status).toBe(0);
      expect(out.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    ['line1\nline2', /newline/],
    ['trailing newline\n', /newline/],
    ['carriage\rreturn', /newline/],
    ['nul\0byte', /NUL/],
    ['\uFEFFbom', /U\+FEFF/],
    ['\uFFFE', /non-character/],
    ['lone \uD800 surrogate', /non-character/]
  ])('refuses %j with a clear error', (value, message) => {
    expect(() => envQuote(value, 'SECRET')).toThrow(message);
    expect(() => envQuote(value, 'SECRET')).toThrow(/SECRET/);
  });
});

describe('checkEnv', () => {
  test('keeps user variables in order', () => {
    expect(
      checkEnv([
        { key: 'DATABASE_URL', value: 'x' },
        { key: '_A1', value: '' }
      ])
    ).toEqual([
      { key: 'DATABASE_URL', value: 'x' },
      { key: '_A1', value: '' }
    ]);
  });

  test.each(['1', 'true', 'yes', ' 1 '])('refuses FLASK_DEBUG=%j: production never runs debug', (value) => {
    expect(() => checkEnv([{ key: 'FLASK_DEBUG', value }])).toThrow(/FLASK_DEBUG.*debug mode is refused/);
  });

  test('FLASK_DEBUG=0 is accepted and not written twice', () => {
    expect(checkEnv([{ key: 'FLASK_DEBUG', value: '0' }])).toEqual([]);
  });

  test.each(['PWD', 'GUNICORN_CMD_ARGS', 'INSTANCE_PATH', 'FLASK_ENV', 'LISTEN_FDS', 'NOTIFY_SOCKET'])(
    'refuses reserved %s',
    (key) => {
      expect(() => checkEnv([{ key, value: 'x' }])).toThrow(new RegExp(`${key} is set by gunicorn-deploy`));
    }
  );

  test.each(['1ABC', 'A-B', 'A B', '', 'A=B', 'É'])('refuses the name %j', (key) => {
    expect(() => checkEnv([{ key, value: 'x' }])).toThrow(/not a variable name/);
  });

  test('refuses a name given twice and a bad value, naming the variable', () => {
    expect(() =>
      checkEnv([
        { key: 'A', value: '1' },
        { key: 'A', value: '2' }
      ])
    ).toThrow(/A is set twice/);
    expect(() => checkEnv([{ key: 'TOKEN', value: 'a\nb' }])).toThrow(
      /TOKEN: a value cannot contain a newline/
    );
  });
});

describe('templateVars', () => {
  test('defaults follow the layout /srv/APP, /etc/APP, /var/log/APP, /run/APP', () => {
    const v = templateVars({ app: 'shop' });
    expect(v).toMatchObject({
      user: 'shop',
      group: 'shop',
      appDir: '/srv/shop',
      wsgiApp: 'app:app',
      socketPath: '/run/shop/gunicorn.sock',
      listen: [],
      timeout: 60,
      gracefulTimeout: 30,
      stopTimeout: 45,
      envFile: '/etc/shop/env',
      gunicornConf: '/etc/shop/gunicorn.conf.py',
      instancePath: '/srv/shop/shared/instance',
      accessLog: '/var/log/shop/access.log',
      errorLog: '/var/log/shop/error.log',
      dbPath: '/srv/shop/shared/instance/app.db',
      healthScript: '/usr/local/lib/gunicorn-deploy/shop-health-check',
      healthUrl: 'http://localhost/health',
      staticPath: ''
    });
    expect(v.stopTimeout).toBeGreaterThan(v.gracefulTimeout);
    expect(v.proxyTimeout).toBeGreaterThan(v.timeout);
  });

  test('derived values follow the inputs; DATABASE in env moves the backed-up database', () => {
    const v = templateVars({
      app: 'shop',
      appDir: '/opt/shop/',
      gracefulTimeout: 100,
      staticPath: 'web/static',
      env: [{ key: 'DATABASE', value: '/var/lib/shop/data.db' }]
    });
    expect(v.appDir).toBe('/opt/shop');
    expect(v.stopTimeout).toBe(115);
    expect(v.staticPath).toBe('web/static');
    expect(v.dbPath).toBe('/var/lib/shop/data.db');
  });

  test.each([
    [{ app: 'My App' }, /invalid app/],
    [{ app: 'a/b' }, /invalid app/],
    [{ app: 'ok', user: 'root;x' }, /invalid user/],
    [{ app: 'ok', appDir: 'srv/ok' }, /invalid appDir/],
    [{ app: 'ok', appDir: '/srv/my app' }, /invalid appDir/],
    [{ app: 'ok', appDir: '/srv/%h' }, /invalid appDir/],
    [{ app: 'ok', appDir: '/srv/../etc' }, /invalid appDir/],
    [{ app: 'ok', wsgiApp: 'app:app; rm -rf /' }, /invalid wsgiApp/],
    [{ app: 'ok', listen: ['0.0.0.0:80 extra'] }, /invalid listen/],
    [{ app: 'ok', serverName: 'example.com; include /etc/passwd' }, /invalid serverName/],
    [{ app: 'ok', staticPath: '../etc' }, /invalid staticPath/],
    [{ app: 'ok', workers: 0 }, /invalid workers/],
    [{ app: 'ok', timeout: 1.5 }, /invalid timeout/],
    [{ app: 'ok', healthInterval: '30 s' }, /invalid healthInterval/],
    [{ app: 'ok', dbMaintenanceTime: '25:00' }, /invalid dbMaintenanceTime/],
    [{ app: 'ok', env: [{ key: 'DATABASE', value: 'relative.db' }] }, /invalid DATABASE \(env\)/],
    [{ app: 'ok', socketPath: `/run/${'x'.repeat(120)}.sock` }, /invalid socketPath: .* longer than/]
  ])('refuses %j', (input, message) => {
    expect(() => templateVars(input)).toThrow(message);
  });

  test('accepts module:factory() and extra TCP sockets', () => {
    const v = templateVars({
      app: 'ok',
      wsgiApp: 'pkg.wsgi:create_app()',
      listen: ['127.0.0.1:8000', '[::1]:8000', '9000']
    });
    expect(v.wsgiApp).toBe('pkg.wsgi:create_app()');
    expect(v.listen).toHaveLength(3);
  });
});

describe('templatesDir', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'tpl-'));
    mkdirSync(path.join(root, 'action', 'templates', 'systemd'), { recursive: true });
    mkdirSync(path.join(root, 'action', 'dist'), { recursive: true });
    writeFileSync(path.join(root, 'action', 'action.yml'), 'name: x\n');
    writeFileSync(path.join(root, 'action', 'templates', 'systemd', 'app.service.hbs'), '');
    mkdirSync(path.join(root, 'elsewhere', 'deep'), { recursive: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const found = (): string => path.join(root, 'action', 'templates');

  test('GUNICORN_DEPLOY_TEMPLATES wins, and must hold the templates', () => {
    const env = { GUNICORN_DEPLOY_TEMPLATES: found(), GITHUB_ACTION_PATH: '/nowhere' };
    expect(templatesDir({ env, argv1: '/', cwd: '/' })).toBe(found());
    expect(() => templatesDir({ env: { GUNICORN_DEPLOY_TEMPLATES: root }, argv1: '/', cwd: '/' })).toThrow(
      /GUNICORN_DEPLOY_TEMPLATES=.* does not hold the templates/
    );
  });

  test('then GITHUB_ACTION_PATH/templates', () => {
    expect(
      templatesDir({ env: { GITHUB_ACTION_PATH: path.join(root, 'action') }, argv1: '/', cwd: '/' })
    ).toBe(found());
  });

  test('then up from the running script (dist/index.js), then up from the working directory', () => {
    const argv1 = path.join(root, 'action', 'dist', 'index.js');
    expect(templatesDir({ env: {}, argv1, cwd: '/' })).toBe(found());
    const cwd = path.join(root, 'action', 'dist');
    expect(templatesDir({ env: {}, argv1: path.join(root, 'elsewhere', 'deep', 'x.js'), cwd })).toBe(found());
  });

  test('the script is followed through a symlink (npm puts one in node_modules/.bin)', () => {
    const link = path.join(root, 'elsewhere', 'deep', 'gunicorn-deploy');
    writeFileSync(path.join(root, 'action', 'dist', 'index.js'), '');
    symlinkSync(path.join(root, 'action', 'dist', 'index.js'), link);
    expect(templatesDir({ env: {}, argv1: link, cwd: '/' })).toBe(found());
  });

  test('a templates folder without action.yml beside it is not taken; nothing found is a clear error', () => {
    const env = {};
    expect(() =>
      templatesDir({
        env,
        argv1: path.join(root, 'elsewhere', 'deep', 'x.js'),
        cwd: path.join(root, 'elsewhere')
      })
    ).toThrow(/cannot find the templates folder.*GUNICORN_DEPLOY_TEMPLATES/);
  });
});

describe('renderTemplate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tpl-strict-'));
    writeFileSync(path.join(dir, 'missing.hbs'), 'value={{noSuchVariable}}\n');
    writeFileSync(path.join(dir, 'cached.hbs'), 'first {{app}}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a variable the template uses but the vars lack throws (strict mode)', () => {
    expect(() => renderTemplate('missing', templateVars({ app: 'x' }), dir)).toThrow(/noSuchVariable/);
  });

  test('nothing is HTML-escaped, and compiled templates are cached', () => {
    const vars = templateVars({ app: 'x' });
    expect(renderTemplate('cached', vars, dir)).toBe('first x\n');
    writeFileSync(path.join(dir, 'cached.hbs'), 'second {{app}}\n');
    expect(renderTemplate('cached', vars, dir)).toBe('first x\n');
    const env = renderTemplate(
      'env',
      templateVars({ app: 'x', env: [{ key: 'A', value: '<&>' }] }),
      TEMPLATES
    );
    expect(env).toContain('A="<&>"');
  });
});

describe('file sets', () => {
  const vars = templateVars({ app: 'shop', user: 'shopd', group: 'shopd' });
  const row = (f: ServerFile): string[] => [f.path, f.mode, f.owner];

  test('app units: socket, service, Gunicorn config, env file (readable by the app group only)', () => {
    const f = renderAppUnits(vars, TEMPLATES);
    expect({
      socket: row(f.socket),
      service: row(f.service),
      gunicornConf: row(f.gunicornConf),
      env: row(f.env)
    }).toEqual({
      socket: ['/etc/systemd/system/shop.socket', '0644', 'root:root'],
      service: ['/etc/systemd/system/shop.service', '0644', 'root:root'],
      gunicornConf: ['/etc/shop/gunicorn.conf.py', '0644', 'root:root'],
      env: ['/etc/shop/env', '0640', 'root:shopd']
    });
    // Each role holds its own template's text.
    expect(f.socket.content).toContain('[Socket]');
    expect(f.service.content).toContain('ExecStart=');
    expect(f.gunicornConf.content).toContain('proc_name');
    expect(f.env.content).toContain('FLASK_DEBUG=0');
  });

  test('health, database, nginx and logrotate files', () => {
    const health = renderHealthUnits(vars, TEMPLATES);
    const db = renderDbMaintenanceUnits(vars, TEMPLATES);
    const rows = [
      health.script,
      health.service,
      health.timer,
      db.script,
      db.service,
      db.timer,
      renderNginxSite(vars, TEMPLATES),
      renderLogrotate(vars, TEMPLATES)
    ].map(({ path: p, mode }) => [p, mode]);
    expect(rows).toEqual([
      ['/usr/local/lib/gunicorn-deploy/shop-health-check', '0755'],
      ['/etc/systemd/system/shop-health.service', '0644'],
      ['/etc/systemd/system/shop-health.timer', '0644'],
      ['/usr/local/lib/gunicorn-deploy/shop-db-maintenance', '0755'],
      ['/etc/systemd/system/shop-db-maintenance.service', '0644'],
      ['/etc/systemd/system/shop-db-maintenance.timer', '0644'],
      ['/etc/nginx/sites-available/shop.conf', '0644'],
      ['/etc/logrotate.d/shop', '0644']
    ]);
    expect(health.timer.content).toContain('OnUnitActiveSec=');
    expect(db.timer.content).toContain('OnCalendar=');
    expect(renderNginxSite(vars, TEMPLATES).content).toContain('proxy_pass');
    expect(renderLogrotate(vars, TEMPLATES).content).toContain('rotate 14');
  });
});

describe('one layout', () => {
  const layout = layoutFor('shop', '/opt/shop');
  const vars = templateVars({ layout });

  test("every path the templates read is the layout's, not built again", () => {
    expect({
      appDir: vars.appDir,
      current: vars.current,
      socketPath: vars.socketPath,
      deployLockPath: vars.deployLockPath,
      preloadDir: vars.preloadDir,
      releasesDir: vars.releasesDir,
      envFile: vars.envFile,
      gunicornConf: vars.gunicornConf,
      instancePath: vars.instancePath,
      logDir: vars.logDir,
      accessLog: vars.accessLog,
      errorLog: vars.errorLog,
      healthScript: vars.healthScript,
      dbScript: vars.dbScript,
      backupDir: vars.backupDir,
      serviceName: vars.serviceName,
      socketName: vars.socketName
    }).toEqual({
      appDir: layout.dir,
      current: layout.current,
      socketPath: layout.socket,
      deployLockPath: layout.lockOwner,
      preloadDir: layout.preloadDir,
      releasesDir: layout.releases,
      envFile: layout.envFile,
      gunicornConf: layout.gunicornConf,
      instancePath: layout.instance,
      logDir: layout.logDir,
      accessLog: layout.accessLog,
      errorLog: layout.errorLog,
      healthScript: layout.healthScript,
      dbScript: layout.dbScript,
      backupDir: layout.backups,
      serviceName: layout.units.service.name,
      socketName: layout.units.socket.name
    });
    expect(vars.layout).toEqual(layout);
  });

  test('the lock the health check waits for is the one a deploy holds (lock.owner exists while held)', () => {
    expect(templateVars({ app: 'shop' }).deployLockPath).toBe('/srv/shop/.deploy/lock.owner');
    expect(layout.lockOwner).toBe('/opt/shop/.deploy/lock.owner');
    expect(layout.lock).toBe('/opt/shop/.deploy/lock');
  });

  test("a path given to templateVars replaces the layout's, so the two never disagree", () => {
    const v = templateVars({ app: 'shop', appDir: '/tmp/x', socketPath: '/tmp/x/app.sock' });
    expect([v.layout.dir, v.layout.socket, v.layout.current]).toEqual([
      '/tmp/x',
      '/tmp/x/app.sock',
      '/tmp/x/current'
    ]);
  });

  test("the rendered files name the layout's paths and units", () => {
    const f = renderAppUnits(vars, TEMPLATES);
    expect(f.service.content).toContain(`Requires=${layout.units.socket.name}`);
    expect(f.service.content).toContain(`--chdir ${layout.current} `);
    expect(f.socket.content).toContain(`ListenStream=${layout.socket}`);
    expect(renderLogrotate(vars, TEMPLATES).content).toContain(layout.units.service.name);
    const unitFiles = Object.values(layout.units).map((u) => u.file);
    const health = renderHealthUnits(vars, TEMPLATES);
    const db = renderDbMaintenanceUnits(vars, TEMPLATES);
    const firewall = [{ path: legacyPaths('shop').unitFile }];
    const written = [
      f.socket,
      f.service,
      health.service,
      health.timer,
      db.service,
      db.timer,
      ...firewall
    ].map((x) => x.path);
    // The alert@ unit is alertFiles()' and the certificate check's are tlsCheckFiles()' (they need a
    // host's settings): unit/edge and unit/tls-check check their paths; the metrics units are
    // metricsFiles()' (unit/metrics checks them).
    const withSettings = [
      layout.units.alertService,
      layout.units.tlsCheckService,
      layout.units.tlsCheckTimer,
      layout.units.metricsService,
      layout.units.metricsTimer
    ];
    expect([...written, ...withSettings.map((u) => u.file)].sort()).toEqual(unitFiles.sort());
  });

  test('releases and their link', () => {
    expect(layout.releaseDir('20261130T120000Z-abcdef1')).toBe('/opt/shop/releases/20261130T120000Z-abcdef1');
    expect(layout.releaseLink('20261130T120000Z-abcdef1')).toBe('releases/20261130T120000Z-abcdef1');
  });
});
