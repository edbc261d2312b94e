# app_kind.py: only a definition, run in the candidate's worker after it loaded the app
# (post_worker_init, candidate_hook.py). An app whose __call__ is a coroutine function is ASGI; a
# plain callable of exactly two positional parameters (environ, start_response) is WSGI; anything
# else is left alone (no false refusal). It marks the worker's module (class-MODULE) and a mismatch
# (mismatch-KIND) with empty files in the runtime folder; app_kind.sh tests those fixed names.
# No dollar sign and no percent sign here: the candidate's hook crosses systemd-run's command line.
def mark_app_kind(worker, rundir):
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
