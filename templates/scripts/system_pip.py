# system_pip.py (src/steps/venv.ts: venv_build.sh): what the system's pip can do for a venv built
# without one: python-option (pip 22.3 or newer takes --python), any (an older pip, usable only
# from a venv that sees the system's packages); venv_build.sh reads a failure as none. Read from
# the package's metadata: importing pip costs a quarter of a second.
import importlib.metadata as m, re
v = re.match(r"(\d+)\.(\d+)", m.version("pip"))
print("python-option" if v and (int(v[1]), int(v[2])) >= (22, 3) else "any")
