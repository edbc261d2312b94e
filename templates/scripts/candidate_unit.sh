# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate's transient unit (src/steps/candidate.ts): the release booted the way the service
# runs it (its venv, the staged environment file and Gunicorn config, as the app user, with the
# unit's sandboxing), on a private unix socket, with no socket activation. Prologue: unit user
# env_file rel runtime_max_s path_env python import_hook gunicorn_conf sock wsgi_app go, and for
# the warm start live_env live_conf current warm_program.
stop_candidate() {
  systemctl stop "$unit.service" >/dev/null 2>&1 || true
  systemctl reset-failed "$unit.service" >/dev/null 2>&1 || true
  rm -f -- "$go"
}
# The unit's properties, the same for every way it starts.
unit_props() {
  props=(--unit="$unit" --description="gunicorn-deploy candidate of $user" --quiet --collect --service-type=exec
    -p User="$user" -p Group="$user" -p UMask=0027
    -p RuntimeDirectory="$unit" -p PrivateTmp=yes -p NoNewPrivileges=yes -p ProtectSystem=full
    -p KillSignal=SIGINT -p TimeoutStopSec=5 -p RuntimeMaxSec="$runtime_max_s")
}
# Gunicorn's arguments for WORKERS: 1 for a boot that serves at once; 0 for a master that loads
# Gunicorn, its config and the preloaded libraries, and forks its worker (which imports the app) on
# SIGTTIN.
gunicorn_args() {
  args=(-c "$gunicorn_conf" --chdir "$rel" --bind "unix:$sock" --workers "$1" --error-logfile -
    --access-logfile /dev/null "$wsgi_app")
}
# boot_candidate WORKERS: the release's own Python, started cold.
boot_candidate() {
  unit_props; gunicorn_args "$1"
  systemd-run "${props[@]}" -p EnvironmentFile="$env_file" -p WorkingDirectory="$rel" \
    --setenv=PATH="$path_env" --setenv=PWD="$rel" \
    -- "$python" -c "$import_hook" "${args[@]}"
}
# warm_candidate: started before the release exists (candidate_warm.sh), from the serving release's
# venv and environment file, as the same unit; candidate_warm.py waits for go_candidate.
warm_candidate() {
  unit_props
  systemd-run "${props[@]}" -p EnvironmentFile="$live_env" \
    --setenv=PATH=gunicorn-deploy-warm --setenv=PWD=gunicorn-deploy-warm \
    -- "$current/.venv/bin/python" -c "$warm_program" "$live_conf"
}
# go_candidate: what a cold early boot would get (PATH, the release, Gunicorn's arguments with no
# worker), written whole into root's go file for the warm master.
go_candidate() {
  gunicorn_args 0
  printf '%s\0' "$path_env" "$rel" "${args[@]}" > "$go.tmp"
  mv -f -- "$go.tmp" "$go"
}
