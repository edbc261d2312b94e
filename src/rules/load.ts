import type { Problem } from './problem.js';

// ---------------------------------------------------------------------------------------------
// Load check (mode loadtest, verify with load: true): values of the load-* inputs

/** Concurrent clients of one level: enough for the seed's 100 users, not enough to exhaust sockets. */
export const LOAD_CLIENTS_MAX = 1000;
/** A level runs at most this long (the run's own bound, whatever the inputs say). */
export const LOAD_LEVEL_MAX_MS = 5 * 60_000;

export function loadClientsProblem(v: string): Problem {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > LOAD_CLIENTS_MAX)
    return `each level must be a whole number of clients from 1 to ${LOAD_CLIENTS_MAX}, got '${v}'`;
  return undefined;
}

/** A share such as 99, 99.5 or 80% (the % is optional). */
export function percentProblem(v: string): Problem {
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(v);
  if (!m || Number(m[1]) > 100) return `must be a percentage from 0 to 100 such as 99 or 99.5%, got '${v}'`;
  return undefined;
}
