import { parseSettings, SettingsError } from '../../src/settings.js';
import { rollbackTarget } from '../../src/modes/rollback-mode.js';
import { autoRollbackTarget } from '../../src/steps/rollback.js';
import { rememberedOf, withRemembered } from '../../src/deploy/remembered.js';
import { healthHost } from '../../src/deploy/health.js';
import { parseCandidate } from '../../src/steps/candidate.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n';
const settings = (over: Record<string, string> = {}) => {
  const inputs: Record<string, string> = {
    host: 'app1.example.com',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    ...over
  };
  return parseSettings((n) => inputs[n] ?? '');
};

describe('inputs', () => {
  test('the parser knows which inputs were given; defaults are not given', () => {
    const s = settings({ 'health-path': '/up' });
    expect(s.given).toContain('health-path');
    expect(s.given).not.toContain('sqlite-db');
    expect(s.given).not.toContain('workers');
  });

  test('smoke-paths and health-host are checked before any connection', () => {
    expect(settings({ 'smoke-paths': '/, /about\n/rows' }).deploy.smokePaths).toEqual([
      '/',
      '/about',
      '/rows'
    ]);
    expect(() => settings({ 'smoke-paths': 'about' })).toThrow(SettingsError);
    expect(() => settings({ 'smoke-paths': '/a$(id)' })).toThrow(/smoke-paths/);
    expect(() => settings({ 'health-host': 'a b' })).toThrow(/health-host/);
  });

  test('the health Host: health-host, else the first real server-name, else localhost', () => {
    expect(healthHost(settings())).toBe('localhost');
    expect(healthHost(settings({ 'server-name': '_ *.example.com shop.example.com' }))).toBe(
      'shop.example.com'
    );
    expect(healthHost(settings({ 'server-name': 'shop.example.com', 'health-host': 'internal.test' }))).toBe(
      'internal.test'
    );
  });
});

describe('remembered settings', () => {
  const deployed = settings({
    'health-path': '/up',
    'sqlite-db': 'instance/shop.db',
    'server-name': 'shop.example.com',
    'smoke-paths': '/ /about',
    'health-expect': 'ok'
  });
  const json = JSON.stringify(rememberedOf(deployed));

  test('fill every input not given', () => {
    const s = withRemembered(settings({ mode: 'rollback' }), json);
    expect(s.deploy).toMatchObject({
      healthPath: '/up',
      sqliteDb: 'instance/shop.db',
      smokePaths: ['/', '/about'],
      healthExpect: 'ok',
      healthHost: ''
    });
    expect(healthHost(s)).toBe('shop.example.com');
    expect(s.provision.serverName).toBe('shop.example.com');
  });

  test("a given input wins; a value that does not pass the inputs' rules stops the run naming it", () => {
    const s = withRemembered(settings({ mode: 'verify', 'health-path': '/health' }), json);
    expect(s.deploy.healthPath).toBe('/health');
    expect(s.deploy.sqliteDb).toBe('instance/shop.db');
    const bad = JSON.stringify({ 'health-path': '/x$(id)', 'sqlite-db': '../x y', workers: 7 });
    expect(() => withRemembered(settings(), bad, '/srv/shop/.deploy/settings.json')).toThrow(
      /remembered setting in \/srv\/shop\/\.deploy\/settings\.json cannot be read back[^]*`workers`: is not text[^]*`health-path`: must be a URL path[^]*`sqlite-db`/
    );
    // A bad remembered value is no problem when the input is given.
    expect(
      withRemembered(settings({ 'health-path': '/h' }), JSON.stringify({ 'health-path': '/x$(id)' })).deploy
        .healthPath
    ).toBe('/h');
    expect(() => withRemembered(settings(), 'not json')).toThrow(/not a JSON object/);
    expect(withRemembered(settings(), undefined).deploy.healthPath).toBe('/health');
  });

  test('an app factory and an empty health-expect are read back as they were deployed', () => {
    const factory = JSON.stringify(rememberedOf(settings({ 'wsgi-app': "flaskr:create_app('prod')" })));
    const s = withRemembered(settings({ mode: 'rollback' }), factory);
    expect(s.deploy.wsgiApp).toBe("flaskr:create_app('prod')");
    expect(s.deploy.healthExpect).toBe('');
    const fromV2 = withRemembered(settings({ 'health-expect': 'v2' }), factory);
    expect(fromV2.deploy.healthExpect).toBe('v2');
    const over = withRemembered({ ...settings({ 'health-expect': 'v2' }), given: [] }, factory);
    expect(over.deploy.healthExpect).toBe('');
  });
});

describe('rollback targets', () => {
  const states = new Map([
    ['20261101T000000Z-aaaaaaa', 'live'],
    ['20261102T000000Z-bbbbbbb', 'live'],
    ['20261103T000000Z-ccccccc', 'refused'],
    ['20261104T000000Z-ddddddd', 'rolled-back'],
    ['20261105T000000Z-eeeeeee', 'live'],
    ['20261106T000000Z-fffffff', 'built']
  ]);

  test('mode rollback: the newest live release other than the current one, never refused or unproven', () => {
    expect(rollbackTarget(states, '20261105T000000Z-eeeeeee', '')).toEqual({
      target: '20261102T000000Z-bbbbbbb'
    });
    expect(rollbackTarget(states, '20261101T000000Z-aaaaaaa', '')).toEqual({
      target: '20261105T000000Z-eeeeeee'
    });
    expect(
      rollbackTarget(
        new Map([
          ['r1', 'live'],
          ['r2', 'refused']
        ]),
        'r1',
        ''
      ).why
    ).toMatch(/no release proven live other than the current one/);
  });

  test('rollback-to: only a release that served', () => {
    expect(rollbackTarget(states, '20261105T000000Z-eeeeeee', '20261104T000000Z-ddddddd').target).toBe(
      '20261104T000000Z-ddddddd'
    );
    expect(rollbackTarget(states, '20261105T000000Z-eeeeeee', '20261103T000000Z-ccccccc').why).toMatch(
      /is refused/
    );
    expect(rollbackTarget(states, '20261105T000000Z-eeeeeee', '20261106T000000Z-fffffff').why).toMatch(
      /is built/
    );
    expect(rollbackTarget(states, '20261105T000000Z-eeeeeee', 'nothere').why).toMatch(/is not on the server/);
    expect(rollbackTarget(states, '20261105T000000Z-eeeeeee', '20261105T000000Z-eeeeeee').why).toMatch(
      /current/
    );
  });

  test('automatic rollback: the release that served before, unless it never proved itself', () => {
    expect(autoRollbackTarget(states, '20261105T000000Z-eeeeeee', '20261107T000000Z-ggggggg')).toBe(
      '20261105T000000Z-eeeeeee'
    );
    // Serving before states were recorded: it served.
    expect(autoRollbackTarget(new Map([['old', 'none']]), 'old', 'new')).toBe('old');
    expect(autoRollbackTarget(states, '20261106T000000Z-fffffff', '20261107T000000Z-ggggggg')).toBe(
      '20261105T000000Z-eeeeeee'
    );
    expect(autoRollbackTarget(new Map([['new', 'live']]), '', 'new')).toBeUndefined();
  });
});

test('the candidate report: facts, the body and Gunicorn lines, kept apart', () => {
  const c = parseCandidate(
    'candidate=refused\nstatus=500\nwhy=/health answered 500\nms=1620\n--- body\nbroken on purpose\nline2\n--- log\n[INFO] Booting worker\nTraceback\n'
  );
  expect(c).toEqual({
    ok: false,
    status: '500',
    why: '/health answered 500',
    ms: 1620,
    body: 'broken on purpose\nline2',
    log: '[INFO] Booting worker\nTraceback'
  });
  expect(parseCandidate('candidate=ok\nms=400\n')).toMatchObject({ ok: true, ms: 400, body: '', log: '' });
  expect(
    parseCandidate('candidate=refused\nwhy=Gunicorn exited before it served\n--- log\nboom\n')
  ).toMatchObject({
    why: 'Gunicorn exited before it served',
    body: '',
    log: 'boom'
  });
});
