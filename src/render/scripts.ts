import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { shQuote } from '../ssh/quote.js';
import { templatesDir } from './templates-dir.js';

/** A value a server script gets: text that already passed its rule in src/rules*, or a number. */
export type ScriptValues = Record<string, string | number>;

const files = new Map<string, string>();

/** A file's text, read from disk the first time only (scripts are sent on every deploy). */
function readOnce(file: string): string {
  let text = files.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    files.set(file, text);
  }
  return text;
}
const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Reads every server script and program now (what readOnce would read on first use): a deploy
 * does it while it waits for the server, so the steps sent after an answer read nothing from disk.
 */
export function readScriptsAhead(dir: string = templatesDir()): void {
  const scripts = path.join(dir, 'scripts');
  for (const f of readdirSync(scripts)) if (/\.(sh|py)$/.test(f)) readOnce(path.join(scripts, f));
}

/**
 * A server script from templates/scripts/NAME.sh (plain shell that shellcheck reads in
 * `npm run lint`): a prologue of quoted assignments, one per value, then the file as it is. A value
 * reaches the body only as a shell variable, never pasted into its text, so no value can change
 * what the script does; `then`, the caller's own script text, runs after it in the same shell.
 */
export function serverScript(
  name: string,
  values: ScriptValues,
  then = '',
  dir: string = templatesDir()
): string {
  const body = withoutHeader(asItIs(name, 'sh', dir));
  const prologue = Object.entries(values).map(([key, value]) => {
    if (!NAME.test(key)) throw new Error(`server script ${name}: ${key} is not a shell variable name`);
    return `${key}=${shQuote(String(value))}`;
  });
  // The first line names the file: the debug log's `$` line, and how a test double tells the step.
  return `\n# ${name}.sh\n${prologue.join('\n')}\n${body}${then ? `${then}\n` : ''}`;
}

/**
 * The file without its leading comment lines (what it does and its prologue, written for readers
 * and shellcheck): a third of what a deploy sent, on every deploy. Only the head goes: a later `#`
 * line may be a heredoc's content.
 */
function withoutHeader(text: string): string {
  let at = 0;
  while (text.startsWith('#', at)) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return '';
    at = nl + 1;
  }
  return text.slice(at);
}

/**
 * A server script as ONE line, for a unit's Exec line (systemd takes no multi-line command): the
 * prologue's assignments and the file's lines (comments left out), joined with `; `. The file is
 * written for that: each line a whole statement (none ends in `do`, `then`, `{`, `|`, `&&`, `||`),
 * no comment after code; a line that could not be joined so is refused here, not on the server.
 */
export function serverOneLine(name: string, values: ScriptValues, dir: string = templatesDir()): string {
  const body = asItIs(name, 'sh', dir);
  const lines = body.split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  for (const l of lines)
    if (/(\bdo|\bthen|\belse|[{|&;\\]|\s#.*)\s*$/.test(l))
      throw new Error(`server script ${name}: the line ${JSON.stringify(l)} cannot be joined into one line`);
  const prologue = Object.entries(values).map(([key, value]) => {
    if (!NAME.test(key)) throw new Error(`server script ${name}: ${key} is not a shell variable name`);
    return `${key}=${shQuote(String(value))}`;
  });
  return [...prologue, ...lines].join('; ');
}

/** A file of templates/scripts/ read once, as it is: NAME is a plain name (no `-`, no `/`). */
function asItIs(name: string, ext: string, dir: string): string {
  if (!NAME.test(name))
    throw new Error(`server ${ext === 'sh' ? 'script' : 'program'} ${name}: not a plain name`);
  return readOnce(path.join(dir, 'scripts', `${name}.${ext}`));
}

/**
 * A program the server runs as it is, from templates/scripts/NAME.py (Python where root must open
 * what it reads with O_NOFOLLOW and check the descriptor: bash and coreutils would follow links).
 * It takes its values as argv, never pasted into its text; `npm run lint` compiles every one.
 */
export function serverProgram(name: string, dir: string = templatesDir()): string {
  return asItIs(name, 'py', dir);
}

/** wrk's Lua script from templates/scripts/NAME.lua: its values come as args or environment. */
export function serverLua(name: string, dir: string = templatesDir()): string {
  return asItIs(name, 'lua', dir);
}

/** An awk program from templates/scripts/NAME.awk, given to awk as one quoted word. */
export function serverAwk(name: string, dir: string = templatesDir()): string {
  return asItIs(name, 'awk', dir);
}
