// A model of how the GitHub runner reads workflow commands from a step's output, after
// actions/runner's ActionCommand (v2 `::cmd props::data` at the start of a trimmed line, v1
// `##[cmd props]data` anywhere in a line) and its ::stop-commands:: handling, reading lines split
// at \r\n, \n and a lone \r.

export interface Command {
  command: string;
  data: string;
}

/** .NET's TrimStart: Unicode white space, U+0085 included (JavaScript's \s lacks it). */
const trimStart = (s: string): string => s.replace(/^[\s\u0085]+/, '');

function parse(line: string): Command | undefined {
  const t = trimStart(line);
  if (t.startsWith('::')) {
    const end = t.indexOf('::', 2);
    if (end >= 0) {
      const info = t.slice(2, end);
      return { command: info.split(' ')[0]!, data: t.slice(end + 2) };
    }
  }
  const v1 = line.indexOf('##[');
  if (v1 >= 0) {
    const rb = line.indexOf(']', v1);
    if (rb >= 0) return { command: line.slice(v1 + 3, rb).split(' ')[0]!, data: line.slice(rb + 1) };
  }
  return undefined;
}

/** The commands the runner would run, in order, for everything written to its stdout/stderr. */
export function runnerCommands(output: string): Command[] {
  const out: Command[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const cmd = parse(line);
    if (!cmd) continue;
    if (stopToken !== undefined) {
      if (cmd.command === stopToken) stopToken = undefined;
      continue;
    }
    if (cmd.command === 'stop-commands') stopToken = cmd.data;
    out.push(cmd);
  }
  return out;
}
