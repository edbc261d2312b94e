# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Maintenance on or off on one server (src/maintenance/script.ts), idempotent: the drop-in, the
# allow-list and the page (on stdin) are compared with what is there; only a change is installed,
# tested with `nginx -t` (put back on refusal) and loaded with a reload, which keeps every
# connection. Prints changed=yes|no.
# Prologue: on (1 or 0) include site drop geo page drop_text geo_text dropin_dir page_dir
# no_include refused.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
files=("$drop" "$geo" "$page")
if [ "$on" = 1 ]; then
  grep -qsF "$include" "$site" || exit "$no_include"
  printf '%s' "$drop_text" > "$tmp/drop"
  printf '%s' "$geo_text" > "$tmp/geo"
  cat > "$tmp/page"
fi
changed=no
if [ "$on" = 1 ]; then
  for pair in "drop:$drop" "geo:$geo" "page:$page"; do
    f=${pair#*:}; cmp -s "$tmp/${pair%%:*}" "$f" || changed=yes
  done
else
  for f in "${files[@]}"; do [ -e "$f" ] && changed=yes; done
fi
if [ "$changed" = yes ]; then
  mkdir -p "$tmp/keep"
  i=0; for f in "${files[@]}"; do i=$((i + 1)); [ -e "$f" ] && cp -a "$f" "$tmp/keep/$i"; done
  if [ "$on" = 1 ]; then
    install -d -m 0755 -o root -g root "$dropin_dir" "$page_dir"
    install -m 0644 -o root -g root "$tmp/page" "$page"
    install -m 0644 -o root -g root "$tmp/geo" "$geo"
    install -m 0644 -o root -g root "$tmp/drop" "$drop"
  else
    rm -f "${files[@]}"
  fi
  if ! out=$(nginx -t 2>&1); then
    i=0; for f in "${files[@]}"; do i=$((i + 1)); if [ -e "$tmp/keep/$i" ]; then cp -a "$tmp/keep/$i" "$f"; else rm -f "$f"; fi; done
    echo "$out" | tail -n 5 >&2
    exit "$refused"
  fi
  if systemctl is-active --quiet nginx; then systemctl reload nginx; fi
fi
echo "changed=$changed"
