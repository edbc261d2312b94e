# check_list.py: gunicorn --check-config (src/steps/check.ts, after preload_libraries.py), plus, at
# exit, the libraries the app's import loaded, after a marker line (MARKER in check.ts; a unit test
# holds the two equal).
import atexit, sys
def listing():
    sys.stdout.flush()
    sys.stdout.write("\n--- gunicorn-deploy: libraries ---\n" + "\n".join(libraries()) + "\n")
    sys.stdout.flush()
atexit.register(listing)
sys.argv[0] = "gunicorn"
from gunicorn.app.wsgiapp import run
run()
