import { clientAddressProblem, processNameProblem, sinceProblem, sinceSeconds } from '../rules.js';
import type { Mode } from './mode.js';
import type { Inputs, Problems } from './inputs.js';

/** Modes status and logs: what to show. */
export interface OperateSettings {
  /** status: history lines per server (0: none). */
  historyLines: number;
  logs: {
    /** Seconds back; 0: only the last `lines`. */
    sinceS: number;
    lines: number;
    follow: boolean;
    /** '' every log; 'web' the Gunicorn service; another name: the unit APP-NAME. */
    process: string;
  };
  /** mode maintenance: on or off; the client addresses that still reach the app. */
  maintenance: { on: boolean; allow: string[] };
}

/** `history`, `since`, `lines`, `follow`, `process`, `maintenance`, `maintenance-allow`. */
export function parseOperateSettings(read: Inputs, _problems: Problems, mode: Mode): OperateSettings {
  const onOff = read.text('maintenance');
  if (mode === 'maintenance' || onOff !== '')
    read.check(
      'maintenance',
      /^(on|off)$/.test(onOff)
        ? undefined
        : `must be on or off${mode === 'maintenance' ? ' with mode maintenance' : ''}, got '${onOff}'`
    );
  const allow = read.list('maintenance-allow');
  for (const a of allow) read.check('maintenance-allow', clientAddressProblem(a));
  const since = read.text('since');
  read.check('since', sinceProblem(since));
  const process = read.text('process');
  read.check('process', processNameProblem(process));
  return {
    historyLines: read.int('history', 0, 1000),
    logs: {
      sinceS: since && !sinceProblem(since) ? sinceSeconds(since) : 0,
      lines: read.int('lines', 1, 100_000),
      follow: read.bool('follow'),
      process
    },
    maintenance: { on: onOff === 'on', allow }
  };
}
