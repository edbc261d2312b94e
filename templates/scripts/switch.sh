# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The switch (src/steps/switch.ts): `current` flipped atomically (a new link renamed over the old
# one), then Gunicorn told: started if it is not running, restarted when restart=yes (a new venv or
# changed units or environment need a new master; the socket unit keeps the listening socket),
# else HUP (reload). The old workers are recorded first, for the verify. Before it: children
# (children.sh). Prologue: service last_switch release_link tmp_link current restart.
main=$(systemctl show -p MainPID --value "$service" 2>/dev/null || echo 0)
old=$(children "$main")
echo "old_workers=$old"
printf 'old_workers=%s\n' "$old" > "$last_switch"
ln -sfn "$release_link" "$tmp_link"
mv -T "$tmp_link" "$current"
if ! systemctl is-active --quiet "$service"; then
  systemctl reset-failed "$service" 2>/dev/null || true
  systemctl start "$service"
  reload=start
elif [ "$restart" = yes ]; then
  systemctl restart "$service"
  reload=restart
else
  systemctl reload "$service"
  reload=hup
fi
echo "reload=$reload"
echo "reload=$reload" >> "$last_switch"
