# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The site in sites-available, its link in sites-enabled, the default site's link removed, the
# server-wide catch-all (default_server.sh) as the enabled sites need it (src/provision/nginx.ts).
# nginx reads a whole tree, so the only sound test is of the tree as it will be: the old files are
# kept, the new ones installed, `nginx -t` run, and on failure everything put back before nginx is
# reloaded. The site's text comes on stdin. nginx_logs.sh's and default_server.sh's functions first.
# Prologue: avail enabled refused app_dir shared user upload_dirs (the shared folders nginx
# serves, one a line).
# Shared folders nginx serves (uploads): group www-data with setgid, so what the app writes there
# (UMask 0027: group-readable) is readable by nginx and nothing else of shared/ is; shared/ itself
# only traversable (o+x, no listing). Made as the deploy's layout step would, when provision runs
# before the first deploy.
mapfile -t uploads < <(printf '%s' "$upload_dirs")
for dir in "${uploads[@]}"; do
  if [ "$dry" != 1 ]; then
    [ -d "$app_dir" ] || install -d -m 0755 -o root -g root "$app_dir"
    [ -d "$shared" ] || install -d -m 0750 -o "$user" -g "$user" "$shared"
    [ -d "$dir" ] || { setpriv --reuid="$user" --regid="$user" --init-groups --reset-env -- install -d -m 0750 -- "$dir"; mark uploads; }
    [ -L "$dir" ] || { chgrp www-data -- "$dir"; chmod 2750 -- "$dir"; }
    chmod o+x "$shared"
  fi
done
nginx_logs
def=/etc/nginx/sites-enabled/default
new=$(mktemp); trap 'rm -f "$new"' EXIT
cat > "$new"
catch_all_decide
{ [ -f "$avail" ] && cmp -s "$new" "$avail"; } || mark site
[ "$(readlink "$enabled" 2>/dev/null)" = "$avail" ] || mark link
if [ -e "$def" ] || [ -L "$def" ]; then mark default-site; fi
if [ -n "$changed" ]; then
  if [ "$dry" = 1 ]; then
    echo "would=install $avail, link it in sites-enabled, disable the default site, update the catch-all server $dconf, nginx -t, reload nginx"
    [ -f "$avail" ] && { diff -u "$avail" "$new" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  else
    keep=$(mktemp -d)
    [ -f "$avail" ] && cp -a "$avail" "$keep/site"
    [ -e "$enabled" ] || [ -L "$enabled" ] && cp -a "$enabled" "$keep/link"
    [ -e "$def" ] || [ -L "$def" ] && cp -a "$def" "$keep/default"
    install -m 0644 -o root -g root "$new" "$avail"
    ln -sfn "$avail" "$enabled"
    rm -f "$def"
    catch_all_install
    if ! out=$(nginx -t 2>&1); then
      # Put back exactly what was there: the running nginx never sees the refused config.
      if [ -f "$keep/site" ]; then cp -a "$keep/site" "$avail"; else rm -f "$avail"; fi
      rm -f "$enabled"; [ -e "$keep/link" ] || [ -L "$keep/link" ] && cp -a "$keep/link" "$enabled"
      [ -e "$keep/default" ] || [ -L "$keep/default" ] && cp -a "$keep/default" "$def"
      catch_all_restore
      rm -rf "$keep"
      echo "$out" | tail -n 5 >&2
      exit "$refused"
    fi
    rm -rf "$keep"
    if systemctl is-active --quiet nginx; then systemctl reload nginx; echo nginx=reloaded; else systemctl start nginx; echo nginx=started; fi
  fi
fi
if ! systemctl is-enabled --quiet nginx 2>/dev/null; then mark nginx-enabled; act systemctl enable --quiet nginx; fi
if [ "$dry" != 1 ] && ! systemctl is-active --quiet nginx; then mark nginx-started; systemctl start nginx; fi
