# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# metrics: true (src/metrics/provision.ts), after write_files.sh put the job and node-exporter's
# arguments: node-exporter at metrics-listen (restarted when its arguments changed), the app's job
# on its timer, run once so the file is there, and node-exporter asked for it.
# Prologue: tdir refused node_exporter defaults timer timer_file service_file service url want.
# Root writes the app's file there: a link, or a folder another user owns or may write, is refused.
if [ -L "$tdir" ] || { [ -e "$tdir" ] && { [ "$(stat -c %u "$tdir")" != 0 ] || [ -n "$(find "$tdir" -maxdepth 0 -perm /022)" ]; }; }; then
  echo "$tdir is not a folder of root's alone (a link, another owner, or writable by others): the metrics job writes there as root. Make it root:root 0755 (or remove it and run provision again)." >&2
  exit "$refused"
fi
if [ ! -d "$tdir" ]; then mark "$tdir"; act install -d -m 0755 -o root -g root "$tdir"; fi
reload_if_units_changed
ne=$node_exporter
if was_changed "$defaults" && systemctl is-active --quiet "$ne"; then act systemctl restart "$ne"; fi
ensure_enabled "$ne"
ensure_started "$ne"
if was_changed "$timer_file" || was_changed "$service_file"; then
  if [ "$dry" != 1 ] && systemctl is-active --quiet "$timer"; then systemctl restart "$timer" || true; fi
fi
ensure_enabled "$timer"
ensure_started "$timer"
if [ "$dry" != 1 ]; then
  if ! systemctl start "$service"; then
    journalctl -u "$service" -n 10 --no-pager -o cat >&2; exit 4
  fi
  ok=
  for _ in $(seq 1 50); do
    if curl -s --max-time 2 "$url" | grep -qF "$want"; then ok=1; break; fi
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    echo "node-exporter does not serve the app's metrics at $url:" >&2
    journalctl -u "$ne" -n 10 --no-pager -o cat >&2; exit 5
  fi
fi
