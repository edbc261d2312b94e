# gunicorn_origin.py (src/steps/venv.ts: venv_build.sh, with the venv's python): says where the
# venv's Gunicorn comes from: the app's dependencies (inside the venv) or the system's packages.
import os, sys
import gunicorn
inside = os.path.realpath(gunicorn.__file__).startswith(os.path.realpath(sys.prefix) + os.sep)
print("gunicorn=" + ("app" if inside else "system"))
