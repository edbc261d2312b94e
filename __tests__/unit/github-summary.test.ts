import { jest } from '@jest/globals';
import { annotateFailure, summaryMarkdown, type RunReport } from '../../src/report.js';

// The job summary and the annotations of a failed or rolled-back run: the reason comes first.
const rolledBack: RunReport = {
  mode: 'deploy',
  ok: false,
  status: 'rolled-back',
  ms: 42_000,
  error:
    "web1: release 20261201T100000Z-a1b2c3d failed and was rolled back; 20261130T090000Z-0000000 is serving and healthy. Why: /health answered 500\nGunicorn's last lines:\n...",
  hosts: [
    {
      host: 'web1',
      ok: false,
      status: 'rolled-back',
      error: 'release 20261201T100000Z-a1b2c3d failed and was rolled back',
      ms: 41_000,
      steps: [
        { name: 'switch', ms: 900, ok: true },
        { name: 'verify', ms: 20_000, ok: false, detail: '/health answered 500' }
      ],
      facts: {
        release: '20261130T090000Z-0000000',
        'previous-release': '20261130T090000Z-0000000',
        'failed-release': '20261201T100000Z-a1b2c3d',
        'rolled-back': 'true',
        reload: 'hup'
      }
    }
  ]
};

test('a rolled-back deploy: the summary leads with the reason, then what serves now', () => {
  const md = summaryMarkdown(rolledBack, ['release', 'previous-release', 'reload', 'rolled-back']);
  const lines = md.split('\n').filter((l) => l.trim() !== '');
  expect(lines[0]).toBe('## ❌ gunicorn-deploy deploy: rolled-back');
  expect(lines[1]).toBe(
    '> **web1: release 20261201T100000Z-a1b2c3d failed and was rolled back; 20261130T090000Z-0000000 is serving and healthy. Why: /health answered 500**'
  );
  expect(lines[2]).toBe(
    '> Rolled back: web1 serves release 20261130T090000Z-0000000 again (20261201T100000Z-a1b2c3d did not go live)'
  );
  expect(md).toMatch(/\| verify \| 20\.00 s \| FAILED \| \/health answered 500 \|/);
});

test('a successful deploy has no reason line and no rollback line', () => {
  const ok: RunReport = { ...rolledBack, ok: true, status: 'deployed', error: undefined, hosts: [] };
  const md = summaryMarkdown(ok, []);
  expect(md).toMatch(/^## ✅ gunicorn-deploy deploy: deployed\n\nTotal: 42\.0 s\n$/);
});

test('a failure becomes one titled error annotation', () => {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    annotateFailure(rolledBack);
  } finally {
    spy.mockRestore();
  }
  const out = writes.join('');
  expect(out.match(/^::error /gm)).toHaveLength(1);
  expect(out).toMatch(
    /^::error title=gunicorn-deploy deploy%3A rolled-back::web1: release 20261201T100000Z-a1b2c3d failed/m
  );
  expect(out).toContain('%0ARolled back: web1 serves release 20261130T090000Z-0000000 again');
});
