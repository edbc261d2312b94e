# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# `as_app CWD VENV ARGV...`: a command run the way the service runs (appRunCommand in
# src/deploy/app-run.ts, the same systemd-run line; a unit test holds the two equal): as the app's
# user, with its environment file, in a transient unit. systemd expands $ in a unit's command
# line, so every $ of ARGV is doubled: each word reaches the program as written. Only definitions.
# Prologue: app_user env_file.
as_app() {
  local cwd=$1 venv=$2
  shift 2
  systemd-run --quiet --wait --pipe --collect --service-type=exec \
    -p User="$app_user" -p Group="$app_user" \
    -p EnvironmentFile="$env_file" \
    -p WorkingDirectory="$cwd" \
    --setenv=PATH="$venv/bin:/usr/local/bin:/usr/bin:/bin" \
    --setenv=PWD="$cwd" \
    -- "${@//\$/\$\$}"
}
