# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# tls: acme (src/provision/tls.ts), after write_files.sh put the renewal hook and CA files: the CA
# bundle, the webroot, then certbot only when the lineage named after the app is missing, covers
# other names, comes from another ACME server, was not made with the webroot, or ends within a
# day. cert_facts.sh's function first.
# Prologue: bundle (1: acme-ca-bundle given) ca_input ca_bundle certbot_dropin webroot cert conf
# wanted (the names, sorted) names acme_email acme_server cert_name issue_failed.
read -r -a names_a <<<"$names"
if [ "$bundle" = 1 ]; then
  # requests (certbot) takes one bundle: the private CA on top of the system's.
  if [ "$dry" != 1 ]; then
    nb=$(mktemp); cat "$ca_input" /etc/ssl/certs/ca-certificates.crt > "$nb" 2>/dev/null || cat "$ca_input" > "$nb"
    if [ -f "$ca_bundle" ] && cmp -s "$nb" "$ca_bundle"; then rm -f "$nb"; else install -m 0644 "$nb" "$ca_bundle"; rm -f "$nb"; mark ca-bundle; fi
  fi
  if was_changed "$certbot_dropin"; then act systemctl daemon-reload; fi
  export REQUESTS_CA_BUNDLE="$ca_bundle"
else
  for f in "$certbot_dropin" "$ca_input" "$ca_bundle"; do
    if [ -e "$f" ]; then mark "removed:$f"; act rm -f "$f"; fi
  done
  if was_changed "removed:$certbot_dropin"; then act systemctl daemon-reload; fi
fi
[ -d "$webroot" ] || { mark webroot; act install -d -m 0755 -o root -g root "$webroot"; }
why=""
if [ ! -s "$cert" ] || [ ! -f "$conf" ]; then why="no certificate yet"
else
  have=$(openssl x509 -in "$cert" -noout -ext subjectAltName 2>/dev/null | grep -o 'DNS:[^,[:space:]]*' | sed 's/^DNS://' | sort | tr '\n' ' ' | sed 's/ $//' || true)
  srv=$(sed -n 's/^server *= *//p' "$conf" | tail -n 1)
  auth=$(sed -n 's/^authenticator *= *//p' "$conf" | tail -n 1)
  if [ "$have" != "$wanted" ]; then why="the certificate covers $have"
  elif [ "$srv" != "$acme_server" ]; then why="the certificate came from $srv"
  elif [ "$auth" != webroot ]; then why="the certificate was not made with the webroot"
  elif ! openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null; then why="the certificate ends within a day"
  fi
fi
if [ -n "$why" ]; then
  mark certificate
  if [ "$dry" = 1 ]; then
    echo "would=certbot certonly --webroot for $names from $acme_server ($why)"
  else
    certbot=(certbot certonly --non-interactive --agree-tos --no-eff-email -m "$acme_email" --server "$acme_server" --webroot -w "$webroot" --cert-name "$cert_name")
    for n in "${names_a[@]}"; do certbot+=(-d "$n"); done
    # --force-renewal: an existing lineage for other names or another server is replaced now.
    if [ -f "$conf" ]; then certbot+=(--force-renewal); fi
    if ! out=$("${certbot[@]}" 2>&1); then
      { printf '%s\n' "$out" | grep -v '^Saving debug log\|^ *$' | tail -n 15 >&2; } || true
      exit "$issue_failed"
    fi
  fi
fi
if ! systemctl is-enabled --quiet certbot.timer 2>/dev/null || ! systemctl is-active --quiet certbot.timer; then
  mark renew-timer; act systemctl enable --now --quiet certbot.timer
fi
cert_facts "$cert"
