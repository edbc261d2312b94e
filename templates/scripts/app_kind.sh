# shellcheck shell=bash disable=SC2154,SC2034 # the values come in the prologue (src/render/scripts.ts); $mismatch is read by candidate.sh
# The candidate's tests of what its worker marked (app_kind.py, src/steps/app-kind.ts): fixed file
# names in its runtime folder ($rundir, the app's), never the folder's content. Only definitions.
# Prologue: mismatch_kinds worker_modules (the names of MISMATCHES and UVICORN_MODULES, plain words).
# find_mismatch: sets $mismatch to the first marker found ('' for none).
find_mismatch() {
  # shellcheck disable=SC2086 # a list of plain words
  mismatch=""; for k in $mismatch_kinds; do [ -e "$rundir/mismatch-$k" ] && { mismatch=$k; break; }; done
  return 0
}
# report_worker_module: prints `worker_module=M` for the uvicorn worker module the candidate ran.
report_worker_module() {
  # shellcheck disable=SC2086 # a list of plain words
  for c in $worker_modules; do [ -e "$rundir/class-$c" ] && echo "worker_module=$c"; done
  return 0
}
