# candidate_warm.py: the candidate's master started warm (src/steps/candidate.ts), composed before
# the candidate's hook program (candidate_hook.py). Started as soon as the lock is held, from the
# serving release's venv and environment file, it loads Gunicorn and the libraries the serving
# config preloads (the live config, run once for that) while the release is still uploading, then
# waits for root's go file (the runtime folder's name + ".go", in root's /run). The go file holds
# PATH, the release folder and Gunicorn's arguments, NUL-separated, exactly as the cold boot gets
# them. With the release's own venv it goes on in this process; with another venv it becomes the
# cold boot itself (exec of the release's Python with this same program, which finds the go file
# at once). PATH and PWD start as a mark: a value the environment file set wins, as it does for a
# cold boot. No dollar sign and no percent sign here: it crosses systemd-run's command line.
def _warm_start():
    import os, sys, time

    mark = "gunicorn-deploy-warm"
    try:
        import gunicorn.app.wsgiapp  # noqa: F401 (loaded now, not after the go)

        if len(sys.argv) > 1:
            conf = sys.argv[1]
            with open(conf) as f:
                code = compile(f.read(), conf, "exec")
            exec(code, {"__file__": conf, "__name__": "__config__"})
    except Exception as e:
        print("gunicorn-deploy: the warm start loaded less:", e, file=sys.stderr)
    go = os.environ["RUNTIME_DIRECTORY"] + ".go"
    while not os.path.exists(go):
        time.sleep(0.005)
    with open(go, "rb") as f:
        fields = [os.fsdecode(x) for x in f.read().split(b"\0")[:-1]]
    path, rel, args = fields[0], fields[1], fields[2:]
    for name, value in (("PATH", path), ("PWD", rel)):
        if os.environ.get(name, mark) == mark:
            os.environ[name] = value
    os.chdir(rel)
    python = os.path.join(rel, ".venv", "bin", "python")
    if python != sys.executable and os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(rel, ".venv")):
        with open("/proc/self/cmdline", "rb") as f:
            program = f.read().split(b"\0")[2]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(python, [python, "-c", program, *sys.argv[1:]])
    sys.argv[1:] = args


_warm_start()
del _warm_start
