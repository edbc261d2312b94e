# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# services: redis (src/provision/services.ts), after write_files.sh put our part of the config:
# Debian's redis-server with no TCP port and its unix socket open to group redis, the app's user
# in that group, the service enabled and (re)started when its configuration changed, then asked
# PING through the socket as the app's user.
# Prologue: user ours (our config file) conf (Debian's redis.conf) socket svc app.
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
if ! grep -qxF "include $ours" "$conf"; then
  mark redis.conf
  # As the redis user, who owns the file: a link planted there cannot make root write elsewhere.
  act setpriv --reuid=redis --regid=redis --clear-groups -- sh -c 'printf '\''\ninclude %s\n'\'' "$1" >> "$2"' sh "$ours" "$conf"
fi
if ! id -nG "$user" 2>/dev/null | tr ' ' '\n' | grep -qx redis; then mark group-redis; act usermod -aG redis "$user"; fi
ensure_enabled redis-server redis-enabled
if was_changed "$ours" || was_changed redis.conf || ! systemctl is-active --quiet redis-server; then
  mark redis-started
  act systemctl restart redis-server
fi
# A running Gunicorn keeps its groups across a HUP (workers fork from the master): only a restart
# (the socket unit holds the listening socket) lets the app reach the socket it was just given.
if was_changed group-redis; then
  mapfile -t running < <(systemctl list-units --plain --no-legend --state=active --type=service "$svc" "$app-*@*.service" | awk '{print $1}')
  [ ${#running[@]} -eq 0 ] || act systemctl restart "${running[@]}"
fi
if [ "$dry" != 1 ]; then
  for _ in $(seq 1 50); do [ -S "$socket" ] && break; sleep 0.1; done
  pong=$(setpriv --reuid="$user" --regid="$user" --init-groups -- redis-cli -s "$socket" ping 2>&1 || true)
  [ "$pong" = PONG ] || { echo "redis-server does not answer on $socket as $user: $pong" >&2; journalctl -u redis-server -n 10 --no-pager -o cat >&2 || true; exit 4; }
fi
