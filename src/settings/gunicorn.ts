import {
  parseGunicornSetting,
  workerClassProblem,
  type GunicornSetting,
  type WorkerClass
} from '../rules.js';
import { splitList, type Inputs, type Problems } from './inputs.js';

/** Gunicorn's own settings, rendered into gunicorn.conf.py (re-read on every reload). */
export interface GunicornSettings {
  workerClass: WorkerClass;
  /** gthread's threads per worker (1 for the other classes). */
  threads: number;
  timeout: number;
  gracefulTimeout: number;
  keepalive: number;
  /** 0: workers are never recycled. */
  maxRequests: number;
  maxRequestsJitter: number;
  workerConnections: number;
  limitRequestLine: number;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  /** `gunicorn-settings` lines, each a setting this tool does not own, with a Python literal. */
  extra: GunicornSetting[];
}

/**
 * Gunicorn's whole-number settings this tool owns, listed once: the input that sets each, its
 * range (the input's rule, asserted again where the value reaches gunicorn.conf.py), and Gunicorn's
 * own default (what the config gets when a caller gives none).
 */
export const GUNICORN_NUMBERS = {
  threads: { input: 'threads', min: 1, max: 256, gunicorn: 1 },
  maxRequests: { input: 'max-requests', min: 0, max: 10_000_000, gunicorn: 0 },
  maxRequestsJitter: { input: 'max-requests-jitter', min: 0, max: 10_000_000, gunicorn: 0 },
  workerConnections: { input: 'worker-connections', min: 1, max: 1_000_000, gunicorn: 1000 },
  limitRequestLine: { input: 'limit-request-line', min: 0, max: 8190, gunicorn: 4094 },
  limitRequestFields: { input: 'limit-request-fields', min: 0, max: 32768, gunicorn: 100 },
  limitRequestFieldSize: { input: 'limit-request-field-size', min: 0, max: 1_048_576, gunicorn: 8190 }
} as const satisfies Record<string, { input: string; min: number; max: number; gunicorn: number }>;
export type GunicornNumber = keyof typeof GUNICORN_NUMBERS;

/** gthread without `threads`: a few threads per worker, Gunicorn's docs' usual starting point. */
export const GTHREAD_DEFAULT_THREADS = 4;

/** The worker class, its settings and the `gunicorn-settings` lines; all checked before any connection. */
export function parseGunicornSettings(read: Inputs, _problems: Problems): GunicornSettings {
  const cls = read.get('worker-class');
  const num = (k: GunicornNumber): number => {
    const r = GUNICORN_NUMBERS[k];
    return read.int(r.input, r.min, r.max);
  };
  const bad = workerClassProblem(cls);
  read.check('worker-class', bad);
  const workerClass: WorkerClass = bad ? 'sync' : (cls as WorkerClass);
  let threads = workerClass === 'gthread' ? GTHREAD_DEFAULT_THREADS : 1;
  if (read.text('threads') !== '') {
    threads = num('threads');
    if (threads > 1 && workerClass !== 'gthread' && !bad)
      read.check(
        'threads',
        `applies to worker-class: gthread only (worker-class is ${workerClass}${workerClass === 'uvicorn' ? ', whose workers run an event loop' : ''}); set worker-class: gthread, or remove threads`
      );
  }
  const maxRequests = num('maxRequests');
  // A fixed max-requests recycles every worker at once; a jitter spreads them out.
  const jitter =
    read.text('max-requests-jitter') !== '' ? num('maxRequestsJitter') : Math.ceil(maxRequests / 10);
  if (jitter > 0 && maxRequests === 0 && read.text('max-requests-jitter') !== '')
    read.check('max-requests-jitter', 'needs max-requests (workers are never recycled without it)');
  const timeout = read.int('timeout', 1, 3600);
  const gracefulTimeout = read.int('graceful-timeout', 1, 3600);
  const extra: GunicornSetting[] = [];
  const seen = new Set<string>();
  for (const line of splitList(read('gunicorn-settings'), /\n/)) {
    if (line.startsWith('#')) continue;
    const s = parseGunicornSetting(line);
    if (typeof s === 'string') read.check('gunicorn-settings', s);
    else if (seen.has(s.name)) read.check('gunicorn-settings', `${s.name} is set twice`);
    else {
      seen.add(s.name);
      extra.push(s);
    }
  }
  return {
    workerClass,
    threads,
    timeout,
    gracefulTimeout,
    keepalive: read.int('keepalive', 0, 3600),
    maxRequests,
    maxRequestsJitter: jitter,
    workerConnections: num('workerConnections'),
    limitRequestLine: num('limitRequestLine'),
    limitRequestFields: num('limitRequestFields'),
    limitRequestFieldSize: num('limitRequestFieldSize'),
    extra
  };
}
