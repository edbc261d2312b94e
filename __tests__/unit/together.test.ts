import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { splitTogether, togetherScript } from '../../src/ssh/together.js';

// A group of requests sent as one root-shell request (issue 13): run under a local bash, as the
// server's root shell runs it (bash -c), and split back into one answer per request.

const run = promisify(execFile);

async function group(parts: Parameters<typeof togetherScript>[0]) {
  const started = Date.now();
  const res = await run('bash', ['-c', togetherScript(parts)]).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr
    })
  );
  return { res, ms: Date.now() - started, parts: splitTogether(res, parts.length) };
}

test('a background part runs beside the others; each part gets its own output, code and time', async () => {
  const { res, ms, parts } = await group([
    { shell: 'sh', text: 'sleep 0.6; echo checked; echo warn >&2', background: true },
    { shell: 'bash', text: 'set -euo pipefail\nsleep 0.6; echo backed up' },
    { shell: 'bash', text: "printf 'ünïcode\\n0 0 0 - -\\n'; exit 0" }
  ]);
  expect(res.code).toBe(0);
  // Side by side: about 0.6 s, not 1.2 s.
  expect(ms).toBeLessThan(1100);
  expect(parts[0]).toMatchObject({ code: 0, stdout: 'checked\n', stderr: 'warn\n' });
  expect(parts[0]!.serverMs).toBeGreaterThanOrEqual(550);
  expect(parts[1]).toMatchObject({ code: 0, stdout: 'backed up\n', stderr: '' });
  // What a part prints cannot pass for another part's answer line.
  expect(parts[2]).toMatchObject({ code: 0, stdout: 'ünïcode\n0 0 0 - -\n' });
});

test('the parts after a failing one are not run (skipped); the group fails; the background one still answers', async () => {
  const { res, parts } = await group([
    { shell: 'sh', text: 'exit 5', background: true },
    { shell: 'bash', text: 'echo one' },
    { shell: 'bash', text: 'echo broke >&2; exit 3' },
    { shell: 'bash', text: 'touch /nonexistent-dir/never; echo never' }
  ]);
  expect(res.code).toBe(1);
  expect(parts[0]).toMatchObject({ code: 5 });
  expect(parts[1]).toMatchObject({ code: 0, stdout: 'one\n' });
  expect(parts[2]).toMatchObject({ code: 3, stderr: 'broke\n' });
  expect(parts[3]).toMatchObject({ skipped: true, code: 255 });
});

test('a group whose answer was cut short says so for the parts it lost', () => {
  const parts = splitTogether({ code: 124, stdout: '0 0 12 b2sK -\n', stderr: '[timed out]' }, 2);
  expect(parts[0]).toMatchObject({ code: 0, stdout: 'ok\n', serverMs: 12 });
  expect(parts[1]!.code).toBe(255);
  expect(parts[1]!.stderr).toMatch(/lost[\s\S]*timed out/);
});
