import { parseSettings } from '../../src/settings.js';
import { appLayout } from '../../src/deploy/paths.js';
import type { DeployContext } from '../../src/deploy/context.js';
import { withServerSettings } from '../../src/deploy/server-settings.js';
import { parseMigrationState, schemaChanged } from '../../src/deploy/migration-state.js';
import { leaveMigration } from '../../src/steps/rollback-command.js';
import { memoryLogger } from '../../src/log.js';

// Which settings a deploy keeps from provision, and what a rollback does about a migration: the
// pure decisions (the e2e tests prove them on a server).
const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n';
function ctxWith(over: Record<string, string> = {}): DeployContext {
  const inputs: Record<string, string> = {
    host: 'app1.example.com',
    'private-key': KEY,
    'trust-on-first-use': 'true',
    'app-name': 'shop',
    ...over
  };
  const settings = parseSettings((n) => inputs[n] ?? '');
  return {
    settings,
    paths: appLayout(settings),
    logger: memoryLogger(),
    label: 'web1',
    records: [],
    facts: {},
    remote: {} as DeployContext['remote']
  };
}

const SERVER = JSON.stringify({ 'server-name': 'shop.example.com', 'health-host': '' });

describe("provision's server settings in a deploy", () => {
  test('kept when not given, and said so', () => {
    const notes = { info: [] as string[], warnings: [] as string[] };
    const s = withServerSettings(ctxWith(), SERVER, notes);
    expect(s.provision.serverName).toBe('shop.example.com');
    expect(notes.info).toEqual(['server-name: shop.example.com, as provision set it on this server']);
    expect(notes.warnings).toEqual([]);
  });

  test('a given value wins, with a warning that nginx still answers for the provisioned one', () => {
    const notes = { info: [] as string[], warnings: [] as string[] };
    const s = withServerSettings(ctxWith({ 'server-name': 'new.example.com' }), SERVER, notes);
    expect(s.provision.serverName).toBe('new.example.com');
    expect(notes.warnings[0]).toMatch(
      /^input `server-name` is 'new\.example\.com' but provision set 'shop\.example\.com'/
    );
  });

  test('a value that does not pass the rules stops the run naming it', () => {
    const bad = JSON.stringify({ 'server-name': 'shop.example.com; evil' });
    expect(() => withServerSettings(ctxWith(), bad, { info: [], warnings: [] })).toThrow(
      /server\.json cannot be read back[^]*`server-name`/
    );
  });
});

describe('a rollback and the migration of the release it leaves', () => {
  const OLD = '20261201T000000Z-aaaaaaa';
  const NEW = '20261202T000000Z-bbbbbbb';
  const state = (text: string) => parseMigrationState(text);

  test('nothing to do when the release left changed no schema, or the rollback goes forward', async () => {
    const ctx = ctxWith();
    const none = await leaveMigration(ctx, state(''), NEW, OLD, ctx.settings);
    expect(none).toMatchObject({ ahead: '', undone: false });
    const fwd = await leaveMigration(ctx, state(`migrated_${OLD}=schema=1->2`), OLD, NEW, ctx.settings);
    expect(fwd).toMatchObject({ ahead: '', undone: false });
  });

  test('without a rollback-command: the database is ahead, and the warning says what to run', async () => {
    const ctx = ctxWith();
    const left = await leaveMigration(ctx, state(`migrated_${NEW}=schema=1->2`), NEW, OLD, ctx.settings);
    expect(left).toMatchObject({ ahead: NEW, undone: false });
    expect(ctx.facts['database-warning']).toContain(`release ${NEW} migrated it`);
    expect(ctx.facts['database-warning']).toContain(`rollback-to: ${NEW}`);
  });

  test('schema_version: unknown counts as changed', () => {
    expect(schemaChanged('5', '5')).toBe(false);
    expect(schemaChanged('5', '6')).toBe(true);
    expect(schemaChanged('', '6')).toBe(true);
    expect(parseMigrationState('database_ahead=x; rm -rf /\n').ahead).toBe('');
  });
});
