# shellcheck shell=sh disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The import check (src/steps/check.ts), run under sh (an exec request). Before it, the caller's
# text: the release recorded as built, run_check (the release's gunicorn --check-config as the
# app's user, in a transient unit), and with preload=yes install_preload_list (preload_list.sh).
# With preload=yes, the check's Python prints the libraries the app loaded after the line $marker:
# only for a release that passed are they written as its list; the app's own output is passed on
# without them. Prologue: preload marker.
if [ "$preload" = yes ]; then
  # shellcheck disable=SC2317 # called by install_preload_list
  preload_source() { awk -v m="$marker" 'found { print } $0 == m { found = 1 }' "$out"; }
  out=$(mktemp) && trap 'rm -f "$out"' EXIT
  rc=0; run_check > "$out" || rc=$?
  awk -v m="$marker" '$0 == m { exit } { print }' "$out"
  if [ "$rc" = 0 ]; then
    install_preload_list
  fi
  exit "$rc"
fi
run_check
