# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# tls: off (src/provision/tls-check.ts): the certificate check, its units and certbot's drop-in go
# (the certificate itself stays).
# Prologue: timer files (one a line).
if systemctl is-enabled --quiet "$timer" 2>/dev/null || systemctl is-active --quiet "$timer"; then mark tls-check:stopped; act systemctl disable --now --quiet "$timer"; fi
gone=0
mapfile -t files_a < <(printf '%s' "$files")
for f in "${files_a[@]}"; do
  if [ -e "$f" ]; then mark "$f"; act rm -f -- "$f"; gone=1; fi
done
if [ "$gone" = 1 ]; then act systemctl daemon-reload; fi
