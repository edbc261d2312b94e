import { assertRule, gunicornSettingProblem, workerClassProblem } from '../rules.js';
import { GUNICORN_NUMBERS, type GunicornNumber, type GunicornSettings } from '../settings.js';

/**
 * What gunicorn.conf.py reads of Gunicorn's own settings (timeouts are TemplateVars' own fields):
 * the numbers settings/gunicorn.ts lists, the extra lines, and the worker class as the config
 * takes it.
 */
export type GunicornVars = Pick<GunicornSettings, GunicornNumber | 'extra'> & {
  /** sync or gthread; '' for uvicorn, whose class the config picks on the server. */
  workerClass: string;
  uvicorn: boolean;
};

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
  const nums = {} as Record<GunicornNumber, number>;
  for (const k of Object.keys(GUNICORN_NUMBERS) as GunicornNumber[]) {
    const r = GUNICORN_NUMBERS[k];
    nums[k] = int(k, g[k] ?? r.gunicorn, r.min, r.max);
  }
  if (nums.threads > 1 && cls !== 'gthread')
    assertRule('threads', `${nums.threads} threads need gthread, not ${cls}`);
  for (const s of g.extra ?? []) assertRule('gunicornSettings', gunicornSettingProblem(s));
  return {
    workerClass: cls === 'uvicorn' ? '' : cls,
    uvicorn: cls === 'uvicorn',
    ...nums,
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
