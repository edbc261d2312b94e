import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';

/**
 * Whether the runner could read anything in this text as a workflow command: a v2 command is `::`
 * at the start of a line after any whitespace (the runner trims more characters than JavaScript's
 * \s, U+0085 among them), a v1 command is `##[` anywhere in a line. Only a text with neither is
 * printed as it is.
 */
export function couldBeCommand(text: string): boolean {
  return text.includes('::') || text.includes('##[');
}

/** Tokens this process issued for fences and has not closed yet: a server cannot know them. */
const issued = new Set<string>();

/** A fresh stop-commands token, known to every RunnerPrinter as one of ours. */
export function fenceToken(): string {
  const token = randomBytes(16).toString('hex');
  issued.add(token);
  return token;
}

/** Lines as the runner reads them: `\r\n`, `\n` and a lone `\r` each end one. */
function runnerText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Text that could hold a workflow command, between `::stop-commands::TOKEN` and `::TOKEN::` with a
 * fresh random token the text does not contain: between them the runner runs no command at all
 * (`::add-mask::`, `::set-output`, `##[...]`, a nested `::stop-commands::`). A lone `\r` becomes
 * a line break, so what is shown is what the runner parses.
 */
export function fenceForRunner(text: string): string {
  const lines = runnerText(text);
  if (!couldBeCommand(lines)) return lines;
  let token = randomBytes(16).toString('hex');
  while (lines.includes(token)) token = randomBytes(16).toString('hex');
  return `::stop-commands::${token}\n${lines}\n::${token}::`;
}

/**
 * The one way text that may hold server output reaches the runner: every log line of the action
 * and the CLI goes through one of these. A stream's own fence (`::stop-commands::T` ... `::T::`,
 * with T from fenceToken) is printed as it is, and lines inside it need no fence of their own;
 * fences of streams that overlap (servers in parallel) merge into one, closed when the last one
 * ends, so the runner never runs a command while any of them is open. Any other text that could
 * be a command is fenced on its own.
 */
export class RunnerPrinter {
  private readonly open = new Set<string>();
  private active: string | undefined;

  constructor(private readonly write: (text: string) => void) {}

  print(text: string): void {
    const start = /^::stop-commands::([0-9a-f]{32})$/.exec(text)?.[1];
    if (start && issued.has(start)) {
      this.open.add(start);
      if (!this.active) {
        this.active = start;
        this.write(text);
      }
      return;
    }
    const end = /^::([0-9a-f]{32})::$/.exec(text)?.[1];
    if (end && this.open.has(end)) {
      this.open.delete(end);
      issued.delete(end);
      if (this.open.size === 0 && this.active) {
        this.write(`::${this.active}::`);
        this.active = undefined;
      }
      return;
    }
    this.write(this.active ? runnerText(text) : fenceForRunner(text));
  }
}

/**
 * One line of JSON for a machine to read on stdout (the CLI's --json), which the runner still scans
 * for commands: `##[` can only stand inside a JSON string, where `\u0023` means the same `#`.
 * A v2 command needs `::` at the start of the line, which JSON never has.
 */
export function jsonForRunner(value: unknown): string {
  return JSON.stringify(value).replace(/##\[/g, '#\\u0023[');
}

/**
 * Keeps the last `cap` bytes of a stream. Remote commands (pip, apt) can print far more than a
 * step needs to keep in memory; the tail is where the error is.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.cap && this.chunks.length > 0) {
      const excess = this.size - this.cap;
      const first = this.chunks[0];
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
        this.dropped += excess;
      }
    }
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[... ${this.dropped} earlier bytes dropped ...]\n${body}` : body;
  }
}

/**
 * Splits a byte stream into complete lines for live printing. Decodes UTF-8 across chunk borders
 * so a character split between two packets is not mangled.
 */
export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.emit(line.replace(/\r$/, ''));
  }

  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.emit(rest.replace(/\r$/, ''));
  }
}
