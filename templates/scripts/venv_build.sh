# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Builds the venv at its final path $1 (src/steps/venv.ts), as the build user in a transient unit
# (set -euo pipefail). A build that fails for any reason, a full disk's included, removes its venv
# and log before it exits; pip's output is kept in memory as well as in the log (on a full disk the
# log gets nothing, and the tail is what says why). Prologue: py venvs ssp (1: the system's
# packages visible) pip_args (one a line) deps_kind req extras pyproject_deps system_pip
# gunicorn_origin pip_failed venv_failed gunicorn_failed.
venv=$1; log="$1.pip.log"; done=0
mapfile -t pip_extra < <(printf '%s' "$pip_args")
trap '[ "$done" = 1 ] || rm -rf -- "$venv" "$log"' EXIT
trap 'exit 143' TERM INT
logged() {
  local out
  out=$( { "$@" 2>&1 && echo gd-status=0 || echo "gd-status=$?"; } | { tee -a "$log" 2>/dev/null || true; } | tail -n 26 ) || true
  case "$out" in *gd-status=0) return 0 ;; esac
  printf '%s\n' "$out" | grep -v '^gd-status=' >&2 || true
  rm -rf -- "$venv" "$log"
  printf '%s MB free in %s (the partial venv removed)\n' "$(df -Pk "$venvs" | awk 'NR == 2 { print int($4 / 1024) }')" "$venvs" >&2
  return 1
}
rm -rf -- "$venv" "$log"
site=()
if [ "$ssp" = 1 ]; then site=(--system-site-packages); fi
# pip is not put inside the venv when the system's pip can install into it: ensurepip took about
# 2 s of CPU, most of a venv build. With the system's packages visible the venv's own Python runs
# the system's pip; without, pip's --python (pip 22.3 or newer) does. Otherwise, pip inside as before.
sys_pip=$("$py" -c "$system_pip" 2>/dev/null) || sys_pip=none
if [ "$sys_pip" = python-option ] || { [ "$ssp" = 1 ] && [ "$sys_pip" = any ]; }; then
  logged "$py" -m venv "${site[@]}" --without-pip "$venv" || exit "$venv_failed"
  if [ "$ssp" = 1 ]; then
    pip() { "$venv/bin/python" -m pip "$@"; }
  else
    pip() { "$py" -m pip --python "$venv/bin/python" "$@"; }
  fi
else
  logged "$py" -m venv "${site[@]}" "$venv" || exit "$venv_failed"
  pip() { "$venv/bin/python" -m pip "$@"; }
fi
if [ "$deps_kind" = pyproject ]; then
  "$py" -c "$pyproject_deps" "$req" "$extras" > "$venv/gunicorn-deploy-requirements.txt"
  logged pip install "${pip_extra[@]}" -r "$venv/gunicorn-deploy-requirements.txt" || exit "$pip_failed"
else
  logged pip install "${pip_extra[@]}" -r "$req" || exit "$pip_failed"
fi
# Gunicorn is the tool's business, not the app's: added from the same index when neither the
# dependencies nor (with system site packages) the system provide it.
if ! "$venv/bin/python" -c 'import gunicorn' 2>/dev/null; then
  logged pip install "${pip_extra[@]}" gunicorn || exit "$gunicorn_failed"
  echo gunicorn=added
else
  "$venv/bin/python" -c "$gunicorn_origin"
fi
mv "$log" "$venv/pip-install.log"
pip freeze > "$venv/requirements.lock" 2>/dev/null || true
touch "$venv/.complete"
done=1
