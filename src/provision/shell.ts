import type { ServerFile } from '../render.js';
import { serverScript } from '../render/scripts.js';

/**
 * Shell prelude of every provision script (templates/scripts/provision_prelude.sh): `act CMD...`
 * runs CMD, or in a dry run only prints `would=CMD`; `mark WHAT` records a change.
 */
export function prelude(dry: boolean): string {
  return serverScript('provision_prelude', { dry: dry ? 1 : 0 });
}

/** Final line of every provision script: what changed, for parseFacts. */
export const REPORT = 'echo "changed=$changed"';

/**
 * Writes each file only when its text, mode or owner differ from what is installed, through a
 * temporary file and a rename; each changed path is marked, and `was_changed PATH` tells later
 * lines (templates/scripts/write_files.sh). The files' text comes on the script's stdin
 * (filesInput, in the same order), never in its command line, which every local user can read.
 */
export function writeFilesScript(files: ServerFile[]): string {
  for (const f of files)
    if (/\s/.test(`${f.mode}${f.owner}`) || /\n/.test(f.path))
      throw new Error(`writeFilesScript: ${f.path} ${f.mode} ${f.owner} is not one line of three words`);
  return serverScript('write_files', {
    write_files: files.map((f) => `${f.mode} ${f.owner} ${f.path}`).join('\n')
  });
}

/** writeFilesScript's stdin: each file's text as one base64 line, in the same order. */
export function filesInput(files: ServerFile[]): string {
  return files.map((f) => `${Buffer.from(f.content).toString('base64')}\n`).join('');
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
