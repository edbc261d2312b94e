import type { InputSpec } from '../action-inputs.js';
import { MODES } from '../settings.js';

/** Flags of the CLI that are no action input. */
const CLI_ONLY: InputSpec[] = [
  { name: 'private-key-file', required: false, description: 'Read private-key from this file.' },
  { name: 'known-hosts-file', required: false, description: 'Read known-hosts from this file.' },
  { name: 'json', required: false, description: 'Print the outputs as one JSON object on stdout.' }
];

/** The width help is wrapped to: the terminal's, or 80 when stdout is not a terminal (a pipe, a file). */
export function helpWidth(out: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return out.isTTY && out.columns ? Math.max(40, out.columns) : 80;
}

/** Words filled into lines of at most `width` characters, each starting with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function entry(i: InputSpec, width: number): string[] {
  const tag = i.required
    ? ' (required)'
    : i.default !== undefined && i.default !== ''
      ? ` [${i.default}]`
      : '';
  return [`  --${i.name}${tag}`, ...wrap(i.description, width, '      ')];
}

/** `--help`: usage, then every flag with its meaning, wrapped to `width`. */
export function helpText(inputs: InputSpec[], width: number): string {
  return [
    'Usage: gunicorn-deploy [MODE] [--flag value ...]',
    '       gunicorn-deploy run [--flag value ...] -- COMMAND [ARG ...]',
    '       gunicorn-deploy maintenance on|off [--maintenance-allow ADDRESSES]',
    '       gunicorn-deploy sandbox up [--name NAME] [--bare] [--suite SUITE]',
    '       gunicorn-deploy sandbox down [--name NAME | --all] | list',
    '       gunicorn-deploy demo',
    '       gunicorn-deploy --help [INPUT]',
    '',
    ...wrap(
      'run: a command in the serving release, as the app. SUITE: trixie or bookworm. --help INPUT: that input alone.',
      width
    ),
    ...wrap(
      `MODE: ${MODES.join(' | ')} (or --mode). Every flag mirrors an action input and can also be set as an environment variable GUNICORN_DEPLOY_<INPUT>, e.g. GUNICORN_DEPLOY_APP_NAME.`,
      width
    ),
    '',
    'Flags ([default]):',
    ...[...inputs, ...CLI_ONLY].flatMap((i) => entry(i, width))
  ].join('\n');
}

/** `--help INPUT`: one input (named with or without its dashes), or undefined when there is none. */
export function inputHelp(inputs: InputSpec[], name: string, width: number, env: string): string | undefined {
  const i = [...inputs, ...CLI_ONLY].find((x) => x.name === name.replace(/^--/, ''));
  if (!i) return undefined;
  const isInput = inputs.includes(i);
  return [
    ...entry(i, width),
    '',
    ...(isInput
      ? wrap(`As an action input: ${i.name}. As an environment variable: ${env}.`, width, '      ')
      : [])
  ].join('\n');
}
