import { serverScript } from '../render/scripts.js';
import { MS_FN } from './shell-fns.js';
import type { RootShellResult } from './root-shell.js';

/** One request of a group sent as one root-shell request. */
export interface TogetherPart {
  shell: 'sh' | 'bash';
  /** The text as the shell gets it (a script already carries its `set -euo pipefail`). */
  text: string;
  /** Started first and run beside the others, which run one after another. */
  background?: boolean;
}

/** Output kept per stream and part: the tail, where errors are (all of it stays under the shell's cap). */
const PART_CAP_BYTES = 256 * 1024;

/**
 * One script that runs the parts as the root shell would run each (stdin empty, stdout and stderr
 * apart), the background ones beside the others, and the others one after another until one fails
 * (those after it are not run). It answers one line per part: `INDEX RC MS STDOUT STDERR`, each
 * output base64 (`-` when empty), so nothing a part prints can fake another part's answer. Its own
 * exit is 0 only when every part ran and exited 0. All parts share its process group, so a cancel
 * (TERM to the shell's command) or its timeout ends them all. The script is
 * templates/scripts/together.sh.
 */
export function togetherScript(parts: TogetherPart[]): string {
  const values: Record<string, string | number> = { count: parts.length, cap: PART_CAP_BYTES };
  parts.forEach((p, i) => {
    values[`part_${i}_shell`] = p.shell;
    values[`part_${i}_text`] = p.text;
    values[`part_${i}_bg`] = p.background ? 1 : 0;
  });
  return `${MS_FN}${serverScript('together', values)}`;
}

/** Each part's answer from the group's; a part without its line (the group was cut short) is lost. */
export function splitTogether(
  group: RootShellResult,
  count: number
): (RootShellResult & { serverMs?: number })[] {
  const lines = new Map<number, string[]>();
  for (const line of group.stdout.split('\n')) {
    const f = line.split(' ');
    if (f.length === 5 && /^\d+$/.test(f[0]!)) lines.set(Number(f[0]), f);
  }
  const text = (b64: string): string => (b64 === '-' ? '' : Buffer.from(b64, 'base64').toString('utf8'));
  return Array.from({ length: count }, (_, i) => {
    const f = lines.get(i);
    if (!f)
      return { code: 255, stdout: '', stderr: `the group's answer for this part was lost:\n${group.stderr}` };
    if (f[1] === 'skip') return { code: 255, stdout: '', stderr: '', skipped: true };
    return { code: Number(f[1]), stdout: text(f[3]!), stderr: text(f[4]!), serverMs: Number(f[2]) };
  });
}
