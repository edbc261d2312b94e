import { execFile } from 'node:child_process';
import { appendFile, cp, mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// npm test runs scripts/check-dist.sh on the committed dist/; this proves the check can fail.
test('the stale-dist check fails when dist/ differs from a fresh bundle of src/', async () => {
  const stale = path.join(await mkdtemp(path.join(os.tmpdir(), 'gd-dist-')), 'dist');
  await cp('dist', stale, { recursive: true });
  await appendFile(path.join(stale, 'index.js'), '\n// edited by hand\n');
  // The committed dist/ stands for the fresh bundle: npm test's own check-dist proves it is one, and
  // building another here would cost ~50 s of CPU for the same comparison.
  const env = { ...process.env, DIST: stale, FRESH_DIST: 'dist' };
  const err = await run('bash', ['scripts/check-dist.sh'], { env }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e
  );
  expect(err?.code).toBe(1);
  expect(err?.stderr).toMatch(
    /dist\/ is stale: it differs from a fresh bundle of src\/\. Run: npm run bundle/
  );
}, 180_000);
