import { shQuote } from './quote.js';
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
 * (TERM to the shell's command) or its timeout ends them all.
 */
export function togetherScript(parts: TogetherPart[]): string {
  const start = (p: TogetherPart, i: number): string =>
    `part ${i} ${p.shell} ${shQuote(p.text)}${p.background ? ` & bg="$bg $!"` : ' || ok=0'}`;
  const bg = parts.map((p, i) => (p.background ? start(p, i) : '')).filter((l) => l);
  const fg = parts.map((p, i) => (p.background ? '' : `[ "$ok" = 0 ] || ${start(p, i)}`)).filter((l) => l);
  return `set +e
d=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d) || exit 1
trap 'rm -rf -- "$d"' EXIT
${MS_FN}
part() {
  local s rc; s=$(ms)
  "$2" -c "$3" </dev/null >"$d/o$1" 2>"$d/e$1"; rc=$?
  echo "$rc $(( $(ms) - s ))" > "$d/r$1"
  return "$rc"
}
b64() { if [ -s "$1" ]; then tail -c ${PART_CAP_BYTES} -- "$1" | base64 -w0; else printf -- -; fi; }
ok=1; bg=""
${[...bg, ...fg].join('\n')}
for p in $bg; do wait "$p"; done
all=0
for i in ${parts.map((_, i) => i).join(' ')}; do
  if [ -f "$d/r$i" ]; then read -r rc t < "$d/r$i"; else rc=skip; t=0; all=1; fi
  [ "$rc" = 0 ] || all=1
  printf '%s %s %s %s %s\\n' "$i" "$rc" "$t" "$(b64 "$d/o$i")" "$(b64 "$d/e$i")"
done
exit "$all"`;
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
