# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# tls: files (src/provision/tls.ts), after write_files.sh put the certificate: the private key, from
# the script's stdin (one base64 line after the certificate's), through a 0600 temporary file.
# Unlike write_files.sh it never prints a diff, not even in a dry run: the key on the server is not
# masked in the log (only the one given is). With a certificate, write_files.sh's and
# cert_facts.sh's functions first.
# Prologue: key certificate ('' for the key alone).
if [ -n "$certificate" ] && was_changed "$certificate"; then mark certificate; fi
IFS= read -r b64
tmp=$(mktemp "$(dirname "$key")/.gd-new.XXXXXX" 2>/dev/null || mktemp)
printf '%s' "$b64" | base64 -d > "$tmp"; b64=""
if [ -f "$key" ] && cmp -s "$tmp" "$key" && [ "$(stat -c '%a %U:%G' "$key")" = "600 root:root" ]; then rm -f "$tmp"
else
  mark certificate
  if [ "$dry" = 1 ]; then echo "would=write the private key $key (not shown)"; rm -f "$tmp"
  else chmod 0600 "$tmp"; chown root:root "$tmp"; mv -f "$tmp" "$key"; fi
fi
if [ -n "$certificate" ]; then cert_facts "$certificate"; fi
