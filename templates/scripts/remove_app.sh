# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Step `remove app` (src/provision/remove.ts): the site (nginx -t before the reload; put back when
# refused), the app's processes and schedules, its timers, services and unit files (only those the
# tool wrote), its scripts, metrics file, folders under /etc and /run, and the certificate when
# asked. default_server.sh's functions first.
# Prologue: enabled avail refused app processes_installed schedules_installed timers services
# files dropins scripts prom prom_py prom_dir prom_name dirs unit_header cert cert_live cert_renewal cert_name
# tls_dir (each list one item a line).
list() { mapfile -t "$1" < <(printf '%s' "$2"); }
list timers_a "$timers"; list services_a "$services"; list files_a "$files"
list dropins_a "$dropins"; list scripts_a "$scripts"; list dirs_a "$dirs"
removed_units=0
if [ -e "$enabled" ] || [ -L "$enabled" ] || [ -e "$avail" ]; then
  mark site
  if [ "$dry" = 1 ]; then echo "would=remove $avail and its link, nginx -t, reload nginx"; else
    new=$(mktemp); trap 'rm -f "$new"' EXIT
    catch_all_decide
    keep=$(mktemp -d)
    [ -f "$avail" ] && cp -a "$avail" "$keep/site"
    { [ -e "$enabled" ] || [ -L "$enabled" ]; } && cp -a "$enabled" "$keep/link"
    rm -f "$enabled" "$avail"
    catch_all_install
    if ! out=$(nginx -t 2>&1); then
      [ -f "$keep/site" ] && cp -a "$keep/site" "$avail"
      [ -e "$keep/link" ] || [ -L "$keep/link" ] && cp -a "$keep/link" "$enabled"
      catch_all_restore
      rm -rf "$keep"; echo "$out" | tail -n 5 >&2; exit "$refused"
    fi
    rm -rf "$keep"
    systemctl is-active --quiet nginx && systemctl reload nginx
  fi
fi
# The app's processes (a Procfile's workers): every instance stopped, each template unit removed.
if [ -f "$processes_installed" ]; then
  while read -r n c; do
    case "$n" in ''|*[!a-z0-9-]*) continue;; esac
    mark "process-$n"
    case "$c" in ''|*[!0-9]*) c=0;; esac
    for ((i = 1; i <= c; i++)); do act systemctl disable --now --quiet "$app-$n@$i.service" 2>/dev/null || true; done
    act rm -f -- "/etc/systemd/system/$app-$n@.service"
    removed_units=1
  done < "$processes_installed"
fi
# The app's schedules: each timer stopped and disabled (a run in progress too), its units removed.
if [ -f "$schedules_installed" ]; then
  while read -r id; do
    case "$id" in ''|*[!0-9a-f]*) continue;; esac
    mark "schedule-$id"
    act systemctl disable --now --quiet "$app-schedule-$id.timer" 2>/dev/null || true
    act systemctl stop "$app-schedule-$id.service" 2>/dev/null || true
    act rm -f -- "/etc/systemd/system/$app-schedule-$id.timer" "/etc/systemd/system/$app-schedule-$id.service"
    removed_units=1
  done < "$schedules_installed"
fi
for t in "${timers_a[@]}"; do
  if systemctl is-enabled --quiet "$t" 2>/dev/null || systemctl is-active --quiet "$t"; then mark "$t"; act systemctl disable --now --quiet "$t"; fi
done
for s in "${services_a[@]}"; do
  if systemctl is-active --quiet "$s" || systemctl is-enabled --quiet "$s" 2>/dev/null; then mark "$s"; act systemctl disable --now --quiet "$s"; fi
done
for f in "${files_a[@]}"; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  case "$f" in /etc/systemd/system/*)
    # Only a unit the tool wrote (a file of the admin's own with the same name stays).
    [ ! -L "$f" ] || continue
    [ "$(head -c ${#unit_header} "$f")" = "$unit_header" ] || continue
    removed_units=1;;
  esac
  mark "$f"; act rm -f -- "$f"
done
for d in "${dropins_a[@]}"; do
  [ -d "$d" ] && { mark "$d"; act rm -rf -- "$d"; removed_units=1; }
done
[ "$removed_units" = 1 ] && act systemctl daemon-reload
act systemctl reset-failed "${services_a[@]}" 2>/dev/null || true
for f in "${scripts_a[@]}"; do
  [ -e "$f" ] && { mark "$f"; act rm -f -- "$f"; }
done
# remove_prom.py's text: the file removed relative to the folder, opened without following a link.
if [ -e "$prom" ]; then mark "$prom"; [ "$dry" = 1 ] || python3 -I -c "$prom_py" "$prom_dir" "$prom_name" >/dev/null; fi
for d in "${dirs_a[@]}"; do
  [ -d "$d" ] && { mark "$d"; act rm -rf -- "$d"; }
done
if [ "$cert" = 1 ]; then
  if [ -d "$cert_live" ] || [ -f "$cert_renewal" ]; then
    mark certificate; act certbot delete --non-interactive --cert-name "$cert_name"
  fi
  if [ -d "$tls_dir" ]; then mark certificate-files; act rm -rf -- "$tls_dir"; fi
fi
