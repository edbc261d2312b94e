# shellcheck shell=bash
# Whether the venv at $1 may serve (src/steps/venv.ts), as the build user: complete (its build
# marks it last) and with Gunicorn, which a venv built before the tool added it may lack. Where
# the import found Gunicorn is kept in the venv (.gunicorn-file): a code-only deploy then checks
# that the file is still there, without starting a Python.
venv=$1
[ -f "$venv/.complete" ] && [ -x "$venv/bin/python" ] || exit 1
found=""
read -r found < "$venv/.gunicorn-file" 2>/dev/null || true
if [ -n "$found" ] && [ -f "$found" ]; then exit 0; fi
# The venv's Python is the build user's to change: it runs in a session of its own (setsid), so
# nothing it leaves running shares the deploy shell's CPU priority (deploy_ahead.sh).
found=$(setsid -w "$venv/bin/python" -c 'import gunicorn; print(gunicorn.__file__)' 2>/dev/null) || exit 1
printf '%s\n' "$found" > "$venv/.gunicorn-file" 2>/dev/null || true
