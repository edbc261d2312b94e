# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# metrics: false (src/metrics/provision.ts): the app's timer, files and text file removed when
# present (node-exporter stays: other apps of the server may use it). Only units the tool wrote.
# Prologue: timer timer_file service_file script unit_header prom prom_py prom_dir prom_name.
if [ -e "$timer_file" ] || [ -e "$script" ]; then
  if systemctl is-enabled --quiet "$timer" 2>/dev/null || systemctl is-active --quiet "$timer"; then mark "$timer"; act systemctl disable --now --quiet "$timer"; fi
  for f in "$timer_file" "$service_file"; do
    [ -f "$f" ] && [ ! -L "$f" ] && [ "$(head -c ${#unit_header} "$f")" = "$unit_header" ] && { mark "$f"; act rm -f -- "$f"; }
  done
  [ -f "$script" ] && { mark "$script"; act rm -f -- "$script"; }
  # remove_prom.py's text: the file removed relative to the folder, opened without following a link.
  [ "$dry" = 1 ] || { systemctl daemon-reload; [ -n "$(python3 -I -c "$prom_py" "$prom_dir" "$prom_name")" ] && mark "$prom"; }
fi
