# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The names every other app's enabled site serves on this server (src/provision/claims.ts), one
# `claim APP NAME` line each (`_`, "any name", is a claim too). Only sites the tool wrote count.
# Prologue: enabled (this app's link) site_header.
for f in /etc/nginx/sites-enabled/*.conf; do
  [ "$f" = "$enabled" ] && continue
  t=$(readlink -f -- "$f") || continue
  [ -f "$t" ] || continue
  [ "$(head -c ${#site_header} -- "$t")" = "$site_header" ] || continue
  a=$(basename -- "$f" .conf)
  sed -n 's/^[[:space:]]*server_name[[:space:]]\{1,\}\([^;]*\);.*/\1/p' -- "$t" | tr ' \t' '\n' | sed '/^$/d' | sort -u | sed "s/^/claim $a /"
done
true
