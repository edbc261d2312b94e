# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# `nginx_logs` (src/provision/nginx-dropins.ts): the site's drop-in folder (the site includes its
# *.conf in every server block that serves the app) with the app's access log in it, and the shared
# log format; written before the site, so the nginx step's `nginx -t` and reload take them with it.
# Marks `nginx-logs` when anything changed. Only definitions.
# Prologue: dropin_dir format_conf format_line log_conf log_line.
nginx_logs_put() {
  if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
    mark nginx-logs
    [ "$dry" = 1 ] || printf '%s\n' "$2" | install -m 0644 -o root -g root /dev/stdin "$1"
  fi
}
nginx_logs() {
  [ "$dry" = 1 ] || install -d -m 0755 -o root -g root /etc/nginx/gunicorn-deploy "$dropin_dir"
  nginx_logs_put "$format_conf" "$format_line"
  nginx_logs_put "$log_conf" "$log_line"
}
