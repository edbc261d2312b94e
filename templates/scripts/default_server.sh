# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The server-wide catch-all (src/provision/default-server.ts), for the nginx and remove scripts:
# only definitions. `catch_all_decide`, once `$new` (the app's new site) and `$enabled` (its link)
# are known, decides the catch-all's text into `$dnew` (empty: no catch-all) and marks `catch-all`
# when the file on the server differs; `catch_all_install` and `catch_all_restore` run inside the
# script's install branch and its nginx -t failure branch (with `$keep`, the folder of what was).
# Prologue: dconf catch_all_http catch_all_tls (the file's text without and with its HTTPS part).
catch_all_decide() {
  dnew=$(mktemp); trap 'rm -f "$new" "$dnew"' EXIT
  anyname=0; tls443=0
  # Debian's default site ($def in the nginx script) is removed in the same change: it counts for nothing.
  for f in "$new" /etc/nginx/sites-enabled/*; do
    if [ "$f" = "$enabled" ] || [ "$f" = "${def:-}" ] || [ ! -f "$f" ]; then continue; fi
    if grep -Eq '^[[:space:]]*server_name([[:space:]][^;]*)?[[:space:]]_([[:space:]]|;)' "$f"; then anyname=1; fi
    if grep -Eq '^[[:space:]]*listen[[:space:]]+([^;]*:)?443[[:space:];]' "$f"; then tls443=1; fi
  done
  # A default server of someone else's (the admin's own site) keeps its role: two would fail nginx -t.
  for f in /etc/nginx/sites-enabled/* /etc/nginx/conf.d/*.conf; do
    if [ "$f" = "$enabled" ] || [ "$f" = "$dconf" ] || [ "$f" = "${def:-}" ] || [ ! -f "$f" ]; then continue; fi
    if grep -Eq '^[^#]*default_server' "$f"; then anyname=1; fi
  done
  if [ "$anyname" = 0 ]; then
    nv=$( (nginx -v 2>&1 || true) | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
    if [ "$tls443" = 1 ] && [ -n "$nv" ] && printf '%s\n' 1.19.4 "$nv" | sort -V -C; then
      printf '%s' "$catch_all_tls" > "$dnew"
    else
      printf '%s' "$catch_all_http" > "$dnew"
    fi
  fi
  if [ -s "$dnew" ]; then { [ -f "$dconf" ] && cmp -s "$dnew" "$dconf"; } || mark catch-all
  elif [ -e "$dconf" ]; then mark catch-all; fi
}
catch_all_install() {
  if [ -e "$dconf" ]; then cp -a "$dconf" "$keep/catch-all"; fi
  if [ -s "$dnew" ]; then install -m 0644 -o root -g root "$dnew" "$dconf"; else rm -f "$dconf"; fi
}
catch_all_restore() {
  if [ -e "$keep/catch-all" ]; then cp -a "$keep/catch-all" "$dconf"; else rm -f "$dconf"; fi
}
