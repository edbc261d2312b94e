import type { DeploySettings } from '../settings.js';

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
 * Python run in the candidate's worker after it loaded the app (post_worker_init). An app whose
 * __call__ is a coroutine function is ASGI; a plain callable of exactly two positional parameters
 * (environ, start_response) is WSGI; anything else is left alone (no false refusal).
 */
export const APP_KIND_FN = `def mark_app_kind(worker, rundir):
    import inspect, os
    app = worker.wsgi
    kind = None
    if not inspect.isclass(app):
        call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(type(app), "__call__", None)
        if call is not None and inspect.iscoroutinefunction(inspect.unwrap(call)):
            kind = "asgi"
        else:
            try:
                params = [p for p in inspect.signature(app).parameters.values()
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
                kind = "wsgi" if len(params) == 2 else None
            except (TypeError, ValueError):
                kind = None
    module = type(worker).__module__
    with open(os.path.join(rundir, "class-" + module), "w"):
        pass
    asgi_worker = module.split(".")[0] in ("uvicorn", "uvicorn_worker")
    if kind is None or (kind == "asgi") == asgi_worker:
        return
    django = type(app).__module__.startswith("django.")
    with open(os.path.join(rundir, "mismatch-" + kind + ("-django" if django else "")), "w"):
        pass
`;

/** Shell for the candidate's loop: sets $mismatch to the first marker found ('' for none). */
export const FIND_MISMATCH = `mismatch=""; for k in ${MISMATCHES.join(' ')}; do [ -e "$rundir/mismatch-$k" ] && { mismatch=$k; break; }; done`;

/** Shell printing `worker_module=M` for the uvicorn worker module the candidate ran. */
export const REPORT_WORKER_MODULE = `for c in ${UVICORN_MODULES.join(' ')}; do [ -e "$rundir/class-$c" ] && echo "worker_module=$c"; done`;

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
