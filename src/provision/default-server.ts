import { shQuote } from '../ssh/quote.js';

/**
 * The server-wide catch-all: a Host that no site on the server names gets no answer from any app
 * (444 closes the connection over HTTP; `ssl_reject_handshake` refuses the TLS handshake, nginx
 * 1.19.4+). One file for every app, decided from the enabled sites as they will be: it is there
 * unless some site answers any name (`server_name _`, the default server-name) or another site is
 * already the default server (the admin's own), and it has its HTTPS part once some site listens
 * on 443. ACME challenges carry the site's own Host, so they still reach its challenge path.
 */
export const DEFAULT_SERVER = '/etc/nginx/conf.d/gunicorn-deploy-default.conf';

const HTTP_PART = `# Written by gunicorn-deploy, for every app on this server: a Host that no site here serves gets
# no answer (444 closes the connection); HTTPS refuses the handshake.
server {
    listen 80 default_server;
    server_name _;
    return 444;
}
`;

const TLS_PART = `
server {
    listen 443 ssl default_server;
    server_name _;
    ssl_reject_handshake on;
}
`;

/**
 * Shell for the nginx script: after `$new` (the app's new site) and `$enabled` (its link) are known,
 * decides the catch-all's text into `$dnew` (empty: no catch-all) and marks `catch-all` when the
 * file on the server differs. `installDefaultServer` / `restoreDefaultServer` run inside the
 * script's install branch and its nginx -t failure branch.
 */
export function defaultServerDecide(): string {
  return `dconf=${shQuote(DEFAULT_SERVER)}; dnew=$(mktemp); trap 'rm -f "$new" "$dnew"' EXIT
anyname=0; tls443=0
# Debian's default site ($def in the nginx script) is removed in the same change: it counts for nothing.
for f in "$new" /etc/nginx/sites-enabled/*; do
  [ "$f" = "$enabled" ] || [ "$f" = "\${def:-}" ] && continue
  [ -f "$f" ] || continue
  grep -Eq '^[[:space:]]*server_name([[:space:]][^;]*)?[[:space:]]_([[:space:]]|;)' "$f" && anyname=1
  grep -Eq '^[[:space:]]*listen[[:space:]]+([^;]*:)?443[[:space:];]' "$f" && tls443=1
done
# A default server of someone else's (the admin's own site) keeps its role: two would fail nginx -t.
for f in /etc/nginx/sites-enabled/* /etc/nginx/conf.d/*.conf; do
  [ "$f" = "$enabled" ] || [ "$f" = "$dconf" ] || [ "$f" = "\${def:-}" ] || [ ! -f "$f" ] && continue
  grep -Eq '^[^#]*default_server' "$f" && anyname=1
done
if [ "$anyname" = 0 ]; then
  printf '%s' ${shQuote(HTTP_PART)} > "$dnew"
  nv=$( (nginx -v 2>&1 || true) | sed -n 's|.*nginx/\\([0-9.]*\\).*|\\1|p')
  if [ "$tls443" = 1 ] && [ -n "$nv" ] && printf '%s\\n' 1.19.4 "$nv" | sort -V -C; then
    printf '%s' ${shQuote(TLS_PART)} >> "$dnew"
  fi
fi
if [ -s "$dnew" ]; then { [ -f "$dconf" ] && cmp -s "$dnew" "$dconf"; } || mark catch-all
elif [ -e "$dconf" ]; then mark catch-all; fi`;
}

export function installDefaultServer(): string {
  return `[ -e "$dconf" ] && cp -a "$dconf" "$keep/catch-all"
    if [ -s "$dnew" ]; then install -m 0644 -o root -g root "$dnew" "$dconf"; else rm -f "$dconf"; fi`;
}

export function restoreDefaultServer(): string {
  return `if [ -e "$keep/catch-all" ]; then cp -a "$keep/catch-all" "$dconf"; else rm -f "$dconf"; fi`;
}
