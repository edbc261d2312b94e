# pyproject_deps.py (src/steps/venv.ts: venv_key.sh and venv_build.sh, as the build user): prints
# a pyproject.toml's [project] dependencies and those of the extras named in argv[2] (comma
# separated), one a line. argv: the file, the extras.
import sys
try:
    import tomllib
except ImportError:
    try:
        import tomli as tomllib
    except ImportError:
        sys.exit("reading pyproject.toml needs Python 3.11 or newer (tomllib), or the python3-tomli package")
path, extras = sys.argv[1], [e for e in sys.argv[2].split(",") if e]
try:
    with open(path, "rb") as f:
        data = tomllib.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"cannot read {path}: {e}")
project = data.get("project")
if not isinstance(project, dict):
    sys.exit(f"{path} has no [project] table")
if "dependencies" in project.get("dynamic", []):
    sys.exit(f"{path} declares its dependencies dynamic")
deps = list(project.get("dependencies", []))
optional = project.get("optional-dependencies", {})
for e in extras:
    if e not in optional:
        sys.exit(f"{path} has no extra {e!r} (it has: {', '.join(optional) or 'none'})")
    deps += optional[e]
print("\n".join(deps))
