import { commandProblem } from '../rules.js';
import type { Inputs, Problems } from './inputs.js';

export { MODES, type Mode } from '../mode-names.js';
import { MODES, type Mode } from '../mode-names.js';

/** `mode` (deploy when not valid, after saying so). */
export function parseMode(read: Inputs, problems: Problems): Mode {
  const raw = read.get('mode');
  if ((MODES as readonly string[]).includes(raw)) return raw as Mode;
  problems.push(`input \`mode\`: must be one of ${MODES.join(', ')}, got '${raw}'`);
  return 'deploy';
}

/** Mode run: a one-off command in the serving release, as the app runs. */
export interface RunSettings {
  /** bash text, run with -euo pipefail. */
  command: string;
  /** Take the deploy lock for the command's length (no deploy can switch under it). */
  lock: boolean;
}

/** `command` (required with mode run) and `run-lock`. */
export function parseRunSettings(read: Inputs, _problems: Problems, mode: Mode): RunSettings {
  const command = read.text('command');
  if (mode === 'run')
    read.check('command', command === '' ? 'is required with mode run' : commandProblem(command));
  return { command, lock: read.bool('run-lock') };
}
