import type { SandboxServer } from '../../src/sandbox/index.js';
import { bootServer, stopServer } from '../support/servers.js';
import { appCopy, deploy, editFile, getJson, onServer, startLoad } from '../support/deploy.js';

// Data is never lost: rows written without pause through 20 deploys, some of them rolled back,
// are all in the database afterwards, and every backup taken on the way is a sound database.
let server: SandboxServer;

beforeAll(async () => {
  server = await bootServer();
});
afterAll(async () => {
  if (server) await stopServer(server);
});

test('20 deploys under continuous writes: every acknowledged row is kept, every backup is sound', async () => {
  const app = await appCopy();
  const first = await deploy(server, app, { 'backups-keep': '25' });
  expect(first.report.error).toBeUndefined();
  const writes = await startLoad(server, { path: '/write?value=during-deploys', ok: 201, clients: 6 });
  const outcomes: string[] = [];
  const unexpected: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const dir = await appCopy();
    const brokenHealth = i % 5 === 0;
    await editFile(dir, 'app.py', (t) =>
      brokenHealth
        ? // Broken only once live (PWD .../current): past its candidate boot, so it is switched and rolled back.
          `${t}\nimport os as _os\n@app.before_request\ndef _broken():\n    if request.path == "/health" and _os.environ.get("PWD", "").endswith("/current"):\n        return "broken", 500\n`
        : `${t}\n# deploy ${i}\n`
    );
    const { report } = await deploy(server, dir, {
      'health-timeout': brokenHealth ? '8s' : '20s',
      'backups-keep': '25'
    });
    outcomes.push(report.hosts[0]!.status);
    if (report.hosts[0]!.status !== (brokenHealth ? 'rolled-back' : 'deployed'))
      unexpected.push(`deploy ${i}: ${report.hosts[0]!.status}: ${report.error ?? ''}`);
  }
  const counts = await writes.stop();
  expect(unexpected).toEqual([]);
  expect(outcomes.filter((o) => o === 'rolled-back')).toHaveLength(4);
  expect(outcomes.filter((o) => o === 'deployed')).toHaveLength(16);
  expect(counts.ok).toBeGreaterThan(200);
  expect({ failed: counts.failed, errors: counts.errors }).toEqual({ failed: 0, errors: {} });
  const rows = await getJson(server, '/rows');
  const stored = await onServer(
    server,
    'sqlite3 /srv/shop/shared/instance/app.db "SELECT count(*) FROM rows WHERE value = \'during-deploys\'"'
  );
  expect(Number(stored.trim())).toBe(counts.ok);
  expect(rows.status).toBe(200);
  const checks = await onServer(
    server,
    'for f in /srv/shop/backups/*.db; do echo "$(sqlite3 "$f" "PRAGMA integrity_check") $f"; done'
  );
  const lines = checks.trim().split('\n');
  // One backup per deploy that reached the backup step (the first found no database yet).
  expect(lines).toHaveLength(20);
  for (const line of lines) expect(line).toMatch(/^ok /);
}, 600_000);
