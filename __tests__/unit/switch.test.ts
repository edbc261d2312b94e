import { execFileSync } from 'node:child_process';
import { CHILDREN_FN } from '../../src/steps/switch.js';

// The worker lookup runs inside `set -euo pipefail` scripts; it must never end them.
const bash = (script: string): string =>
  execFileSync('bash', ['-c', `set -euo pipefail\n${CHILDREN_FN}\n${script}`], { encoding: 'utf8' });

test('no children, or no such process: an empty list, and the script goes on', () => {
  expect(bash('w=$(children 999999999); echo "[$w] still running"')).toBe('[] still running\n');
  expect(bash('sleep 5 & p=$!; w=$(children $p); kill $p; echo "[$w]"')).toBe('[]\n');
});

test("a process's children are listed", () => {
  const out = bash(
    'bash -c "sleep 5 & sleep 5 & wait" & p=$!; sleep 0.3; w=$(children $p); kill $w $p 2>/dev/null || true; echo "$w"'
  );
  expect(out.trim().split(/\s+/)).toHaveLength(2);
});
