# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The candidate's transient unit (src/steps/candidate.ts): the release booted the way the service
# runs it (its venv, the staged environment file and Gunicorn config, as the app user, with the
# unit's sandboxing), on a private unix socket, with no socket activation. Prologue: unit user
# env_file rel runtime_max_s path_env python import_hook gunicorn_conf sock wsgi_app.
stop_candidate() {
  systemctl stop "$unit.service" >/dev/null 2>&1 || true
  systemctl reset-failed "$unit.service" >/dev/null 2>&1 || true
}
# boot_candidate WORKERS: 1 for a boot that serves at once; 0 for a master that loads Gunicorn, its
# config and the preloaded libraries, and forks its worker (which imports the app) on SIGTTIN.
boot_candidate() {
  systemd-run --unit="$unit" --quiet --collect --service-type=exec \
    -p User="$user" -p Group="$user" -p UMask=0027 \
    -p EnvironmentFile="$env_file" -p WorkingDirectory="$rel" \
    -p RuntimeDirectory="$unit" -p PrivateTmp=yes -p NoNewPrivileges=yes -p ProtectSystem=full \
    -p KillSignal=SIGINT -p TimeoutStopSec=5 -p RuntimeMaxSec="$runtime_max_s" \
    --setenv=PATH="$path_env" --setenv=PWD="$rel" \
    -- "$python" -c "$import_hook" -c "$gunicorn_conf" --chdir "$rel" \
    --bind "unix:$sock" --workers "$1" --error-logfile - --access-logfile /dev/null "$wsgi_app"
}
