import type { DeploySettings } from '../settings.js';
import { serverProgram, serverScript } from '../render/scripts.js';

/**
 * An ASGI app (FastAPI, Starlette, Django's asgi.py) under a WSGI worker, or a WSGI app (Flask,
 * Django's wsgi.py) under uvicorn's, fails every request with a TypeError deep in the log. The
 * candidate's worker recognises both once it has loaded the app, before it serves, and marks the
 * mismatch with an empty file in its runtime folder; the candidate script tests those fixed names
 * (never reading the folder's content, which the app's user controls) and says in one line what to set.
 */

/** The mismatches, as the worker's marker files name them (`mismatch-KIND`). */
export const MISMATCHES = ['asgi', 'asgi-django', 'wsgi', 'wsgi-django'] as const;
export type Mismatch = (typeof MISMATCHES)[number];

/** The worker class modules the candidate reports (`class-MODULE`), so the log says which was used. */
export const UVICORN_MODULES = ['uvicorn_worker', 'uvicorn.workers'] as const;

/**
 * Python run in the candidate's worker after it loaded the app (templates/scripts/app_kind.py,
 * defining mark_app_kind): an app whose __call__ is a coroutine function is ASGI; a plain callable
 * of exactly two positional parameters (environ, start_response) is WSGI; anything else is left alone.
 */
export function appKindPython(): string {
  return serverProgram('app_kind');
}

/**
 * Shell defining find_mismatch (sets $mismatch to the first marker found, '' for none) and
 * report_worker_module (prints `worker_module=M`), for the candidate's loop (templates/scripts/app_kind.sh).
 */
export function appKindScript(): string {
  return serverScript('app_kind', {
    mismatch_kinds: MISMATCHES.join(' '),
    worker_modules: UVICORN_MODULES.join(' ')
  });
}

export function parseMismatch(v: string | undefined): Mismatch | undefined {
  return (MISMATCHES as readonly string[]).includes(v ?? '') ? (v as Mismatch) : undefined;
}

/** The Django project's other entry point: mysite.wsgi:application <-> mysite.asgi:application. */
function djangoTwin(app: string, to: 'asgi' | 'wsgi'): string {
  const m = /^(.+)\.(asgi|wsgi):application$/.exec(app);
  return m ? `${m[1]}.${to}:application` : `PROJECT.${to}:application`;
}

/** One line: what was found, and what to set. */
export function mismatchAdvice(kind: Mismatch, d: DeploySettings): string {
  const app = d.wsgiApp;
  const cls = d.gunicorn.workerClass;
  switch (kind) {
    case 'asgi':
      return `${app} is an ASGI app (async, like FastAPI or Starlette), which Gunicorn's ${cls} worker cannot call: set \`worker-class: uvicorn\``;
    case 'asgi-django':
      return `${app} is Django's ASGI handler, which Gunicorn's ${cls} worker cannot call: set \`wsgi-app: ${djangoTwin(app, 'wsgi')}\`, or \`worker-class: uvicorn\` to serve it as ASGI`;
    case 'wsgi':
      return `${app} is a WSGI app (like Flask), which uvicorn's worker cannot call: set \`worker-class: sync\` (or gthread), or give wsgi-app an ASGI app`;
    case 'wsgi-django':
      return `${app} is Django's WSGI handler, which uvicorn's worker cannot call: set \`wsgi-app: ${djangoTwin(app, 'asgi')}\` for uvicorn, or \`worker-class: sync\``;
  }
}
