import { assertRule, gunicornSettingProblem, workerClassProblem, type GunicornSetting } from '../rules.js';
import type { GunicornSettings } from '../settings.js';

/** What gunicorn.conf.py reads of Gunicorn's own settings (timeouts are TemplateVars' own fields). */
export interface GunicornVars {
  /** sync or gthread; '' for uvicorn, whose class the config picks on the server. */
  workerClass: string;
  uvicorn: boolean;
  threads: number;
  maxRequests: number;
  maxRequestsJitter: number;
  workerConnections: number;
  limitRequestLine: number;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  extra: GunicornSetting[];
}

export type GunicornInput = Partial<Omit<GunicornSettings, 'timeout' | 'gracefulTimeout' | 'keepalive'>>;

function int(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max)
    assertRule(field, `${value} is not a whole number from ${min} to ${max}`);
  return value;
}

/** Defaults are Gunicorn's own; every value is asserted against the rule its input passed. */
export function gunicornVars(g: GunicornInput = {}): GunicornVars {
  const cls = g.workerClass ?? 'sync';
  assertRule('workerClass', workerClassProblem(cls));
  const threads = int('threads', g.threads ?? 1, 1, 256);
  if (threads > 1 && cls !== 'gthread') assertRule('threads', `${threads} threads need gthread, not ${cls}`);
  for (const s of g.extra ?? []) assertRule('gunicornSettings', gunicornSettingProblem(s));
  return {
    workerClass: cls === 'uvicorn' ? '' : cls,
    uvicorn: cls === 'uvicorn',
    threads,
    maxRequests: int('maxRequests', g.maxRequests ?? 0, 0, 10_000_000),
    maxRequestsJitter: int('maxRequestsJitter', g.maxRequestsJitter ?? 0, 0, 10_000_000),
    workerConnections: int('workerConnections', g.workerConnections ?? 1000, 1, 1_000_000),
    limitRequestLine: int('limitRequestLine', g.limitRequestLine ?? 4094, 0, 8190),
    limitRequestFields: int('limitRequestFields', g.limitRequestFields ?? 100, 0, 32768),
    limitRequestFieldSize: int('limitRequestFieldSize', g.limitRequestFieldSize ?? 8190, 0, 1_048_576),
    extra: (g.extra ?? []).map(({ name, value }) => ({ name, value }))
  };
}

/** The template fields of the parsed settings: the timeouts in their own fields, the rest in gunicorn. */
export function gunicornInput(g: GunicornSettings): {
  timeout: number;
  gracefulTimeout: number;
  keepalive: number;
  gunicorn: GunicornInput;
} {
  const { timeout, gracefulTimeout, keepalive, ...rest } = g;
  return { timeout, gracefulTimeout, keepalive, gunicorn: rest };
}
