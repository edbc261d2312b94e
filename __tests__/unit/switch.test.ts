import { execFileSync } from 'node:child_process';
import { childrenFn } from '../../src/steps/switch.js';

// The worker lookup runs inside `set -euo pipefail` scripts; it must never end them.
const bash = (script: string): string =>
  execFileSync('bash', ['-c', `set -euo pipefail\n${childrenFn()}\n${script}`], { encoding: 'utf8' });

test('no children, or no such process: an empty list, and the script goes on', () => {
  expect(bash('w=$(children 999999999); echo "[$w] still running"')).toBe('[] still running\n');
  expect(bash('sleep 5 & p=$!; w=$(children $p); kill $p; echo "[$w]"')).toBe('[]\n');
});

test("a process's children are listed: exactly its own, not itself or a grandchild", () => {
  // The shell writes its two children's PIDs; one of them has a child of its own.
  const out = bash(
    `f=$(mktemp); bash -c 'sleep 5 & echo $! >> '"$f"'; bash -c "sleep 5 & wait" & echo $! >> '"$f"'; wait' & p=$!
sleep 0.5; w=$(children $p); echo "listed=$w"; echo "own=$(tr '\\n' ' ' < "$f")"; echo "self=$p"
for c in $w; do pkill -P $c 2>/dev/null || true; done; pkill -P $p 2>/dev/null || true; kill $p 2>/dev/null || true; rm -f "$f"`
  );
  const get = (k: string): string[] =>
    (new RegExp(`^${k}=(.*)$`, 'm').exec(out)?.[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter((x) => x)
      .sort();
  expect(get('own')).toHaveLength(2);
  expect(get('listed')).toEqual(get('own'));
  expect(get('listed')).not.toContain(get('self')[0]);
});
