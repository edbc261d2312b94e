import type { ServerFile } from '../render.js';
import { shQuote } from '../ssh/quote.js';

/**
 * Shell prelude of every provision script. `act CMD...` runs CMD, or in a dry run only prints
 * `would=CMD`; `mark WHAT` records a change. The checks before each act run in both cases, so a dry
 * run reports exactly what a real run would change.
 */
export function prelude(dry: boolean): string {
  return `
dry=${dry ? 1 : 0}
changed=""
mark() { changed="$changed $*"; }
act() { if [ "$dry" = 1 ]; then echo "would=$*"; else "$@"; fi; }
`;
}

/** A unit enabled at boot (marked WHAT when it was not): the same line in every provision script. */
export function ensureEnabled(unit: string, what = `${unit}:enabled`): string {
  const q = shQuote;
  return `if ! systemctl is-enabled --quiet ${q(unit)} 2>/dev/null; then mark ${q(what)}; act systemctl enable --quiet ${q(unit)}; fi`;
}

/** A unit running now (marked WHAT when it was not). */
export function ensureStarted(unit: string, what = `${unit}:started`): string {
  const q = shQuote;
  return `if ! systemctl is-active --quiet ${q(unit)}; then mark ${q(what)}; act systemctl start ${q(unit)}; fi`;
}

/** Final line of every provision script: what changed, for parseFacts. */
export const REPORT = 'echo "changed=$changed"';

/**
 * Writes each file only when its text, mode or owner differ from what is installed, through a
 * temporary file in the same folder and a rename (a reader never sees half a file). Each changed
 * path is marked; `was_changed PATH` tells later lines of the script. The files' text comes on
 * the script's stdin (filesInput, in the same order), never in its command line, which every
 * local user can read and sudo logs. A missing folder is made 0755; an existing one keeps its mode
 * (`install -d -m` would reset it: /etc/APP is 0750).
 */
export function writeFilesScript(files: ServerFile[]): string {
  const q = shQuote;
  const each = files.map((f) => `put ${q(f.path)} ${q(f.mode)} ${q(f.owner)}`);
  return `
was_changed() { case " $changed " in *" $1 "*) return 0;; esac; return 1; }
put() {
  local path=$1 mode=$2 owner=$3 tmp b64
  IFS= read -r b64
  tmp=$(mktemp "$(dirname "$path")/.gd-new.XXXXXX" 2>/dev/null || mktemp)
  printf '%s' "$b64" | base64 -d > "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c '%a %U:%G' "$path")" = "\${mode#0} $owner" ]; then
    rm -f "$tmp"; return 0
  fi
  mark "$path"
  if [ "$dry" = 1 ]; then
    if [ -f "$path" ]; then echo "would=rewrite $path"; diff -u "$path" "$tmp" | sed -n '3,40p' | sed 's/^/diff=/' || true; else echo "would=create $path"; fi
    rm -f "$tmp"; return 0
  fi
  chmod "$mode" "$tmp"; chown "$owner" "$tmp"; mv -f "$tmp" "$path"
}
${files.map((f) => `[ "$dry" = 1 ] || [ -d ${q(dirOf(f.path))} ] || install -d -m 0755 ${q(dirOf(f.path))}`).join('\n')}
${each.join('\n')}
`;
}

/** writeFilesScript's stdin: each file's text as one base64 line, in the same order. */
export function filesInput(files: ServerFile[]): string {
  return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
}

function dirOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

/** `would=` lines of a dry run, for the log. */
export function wouldLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('would=') || l.startsWith('diff='))
    .map((l) => (l.startsWith('would=') ? `would ${l.slice(6)}` : `  ${l.slice(5)}`));
}

/** The changed list a script printed, split into words. */
export function changedList(facts: Record<string, string>): string[] {
  return (facts.changed ?? '').split(/\s+/).filter((s) => s);
}
