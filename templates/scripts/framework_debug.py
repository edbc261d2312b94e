# framework_debug.py WSGI_APP (src/provision/verify.ts): prints framework-debug=NAME=true|false for a
# Flask, FastAPI/Starlette or Django app, nothing for others. Run as the app, in its release.
import os, sys
sys.path.insert(0, os.getcwd())
from gunicorn.util import import_app
app = import_app(sys.argv[1])
out = None
flask = sys.modules.get("flask")
if flask is not None and isinstance(app, flask.Flask):
    out = "app.debug=" + str(bool(app.debug)).lower()
elif "starlette.applications" in sys.modules and isinstance(app, sys.modules["starlette.applications"].Starlette):
    # FastAPI is a Starlette: its debug serves tracebacks to anyone.
    out = "app.debug=" + str(bool(app.debug)).lower()
elif "django" in sys.modules:
    from django.conf import settings
    if settings.configured:
        out = "settings.DEBUG=" + str(bool(settings.DEBUG)).lower()
if out:
    print("framework-debug=" + out)
