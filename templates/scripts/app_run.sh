# shellcheck shell=bash
# `as_app WORDS ARGV...`: a command run the way the service runs (as the app's user, with its
# environment file, in a transient unit). WORDS are systemd-run's words up to its `--`, one a
# line: a value of the caller's prologue built by appRunWords in src/deploy/app-run.ts, the one
# place they are written. systemd expands $ in a unit's command line, so every $ of ARGV is
# doubled: each word reaches the program as written. Only definitions.
as_app() {
  local -a words
  mapfile -t words <<< "$1"
  shift
  "${words[@]}" "${@//\$/\$\$}"
}
