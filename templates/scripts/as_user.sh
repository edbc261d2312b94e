# shellcheck shell=bash # only a definition (the venv's and the upload's scripts)
# `as_user USER SCRIPT ARGS...`: SCRIPT run by bash (set -euo pipefail) as USER, ARGS its $1...:
# the very setpriv line asUser builds in src/deploy/app-run.ts (a unit test holds the two equal).
# No PAM session, no log line, the environment reset to the user's own.
as_user() {
  local who=$1 script=$2
  shift 2
  setpriv --reuid="$who" --regid="$who" --init-groups --reset-env -- bash -c "set -euo pipefail
$script" gd "$@"
}
