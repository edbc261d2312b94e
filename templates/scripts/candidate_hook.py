# candidate_hook.py: the candidate's Gunicorn (src/steps/candidate.ts), after preload_libraries.py
# and app_kind.py, with one hook of ours after the user's config: once a worker has imported the
# app, it marks an app its worker class cannot call, then writes the libraries it loaded to the
# unit's runtime folder (loaded). That file is the import check's answer, and its list is the one
# the master preloads. It reaches python on systemd-run's command line, which expands dollar
# signs: it has none (a unit test holds that).
import os, sys
from gunicorn.app.wsgiapp import WSGIApplication
class Candidate(WSGIApplication):
    def load_config(self):
        super().load_config()
        theirs = self.cfg.post_worker_init
        def loaded(worker):
            try:
                mark_app_kind(worker, os.environ["RUNTIME_DIRECTORY"])
            except Exception as e:
                print("gunicorn-deploy: could not tell the app's kind:", e, file=sys.stderr)
            path = os.path.join(os.environ["RUNTIME_DIRECTORY"], "loaded")
            with open(path + ".tmp", "w") as f:
                f.write("".join(n + "\n" for n in libraries()))
            os.replace(path + ".tmp", path)
            theirs(worker)
        self.cfg.set("post_worker_init", loaded)
sys.argv[0] = "gunicorn"
Candidate("%(prog)s [OPTIONS] [APP_MODULE]").run()
