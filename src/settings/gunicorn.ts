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

/** gthread without `threads`: a few threads per worker, Gunicorn's docs' usual starting point. */
export const GTHREAD_DEFAULT_THREADS = 4;

/** The worker class, its settings and the `gunicorn-settings` lines; all checked before any connection. */
export function parseGunicornSettings(read: Inputs, _problems: Problems): GunicornSettings {
  const cls = read.get('worker-class');
  const bad = workerClassProblem(cls);
  read.check('worker-class', bad);
  const workerClass: WorkerClass = bad ? 'sync' : (cls as WorkerClass);
  let threads = workerClass === 'gthread' ? GTHREAD_DEFAULT_THREADS : 1;
  if (read.text('threads') !== '') {
    threads = read.int('threads', 1, 256);
    if (threads > 1 && workerClass !== 'gthread' && !bad)
      read.check(
        'threads',
        `applies to worker-class: gthread only (worker-class is ${workerClass}${workerClass === 'uvicorn' ? ', whose workers run an event loop' : ''}); set worker-class: gthread, or remove threads`
      );
  }
  const maxRequests = read.int('max-requests', 0, 10_000_000);
  // A fixed max-requests recycles every worker at once; a jitter spreads them out.
  const jitter =
    read.text('max-requests-jitter') !== ''
      ? read.int('max-requests-jitter', 0, 10_000_000)
      : Math.ceil(maxRequests / 10);
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
    workerConnections: read.int('worker-connections', 1, 1_000_000),
    limitRequestLine: read.int('limit-request-line', 0, 8190),
    limitRequestFields: read.int('limit-request-fields', 0, 32768),
    limitRequestFieldSize: read.int('limit-request-field-size', 0, 1_048_576),
    extra
  };
}
