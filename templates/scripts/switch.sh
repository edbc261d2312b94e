# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The switch (src/steps/switch.ts): `current` flipped atomically (a new link renamed over the old
# one), then Gunicorn told: started if it is not running, restarted when restart=yes (a new venv or
# changed units or environment need a new master; the socket unit keeps the listening socket),
# else HUP (reload). The old workers are recorded before, for the verify. Before it: children
# (children.sh), read_kv. Prologue: service last_switch release_link tmp_link current restart.
ln -sfn "$release_link" "$tmp_link"
mv -T "$tmp_link" "$current"
# One question to systemd, after the flip (a stopped service that its socket starts meanwhile then
# starts in the new release), for the master's PID and whether the service runs: each systemctl is
# a process and a D-Bus round trip, 12-25 ms on the critical path. Running is what `is-active`
# counts as active; any other state (inactive, failed, activating, deactivating, an unknown unit,
# no answer at all) means started, as before. The old workers, listed before Gunicorn is told, are
# what the verify tells from the new ones.
read_kv <(systemctl show -p MainPID -p ActiveState "$service" 2>/dev/null || true)
main=${kv[MainPID]:-0}; state=${kv[ActiveState]-}
case "$main" in '' | *[!0-9]*) main=0 ;; esac
old=$(children "$main")
echo "old_workers=$old"
# The master too: a HUP keeps it, so the verify sent with this switch need not ask systemd again.
printf 'old_workers=%s\nmaster=%s\n' "$old" "$main" > "$last_switch"
case "$state" in active | reloading | refreshing) ;; *) state=stopped ;; esac
if [ "$state" = stopped ]; then
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
[ "$reload" != hup ] || echo "master=$main"
echo "reload=$reload" >> "$last_switch"
