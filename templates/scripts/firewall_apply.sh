# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Stage one: nothing to do when the installed ruleset, unit and this app's request equal the new
# ones, the table is live and nothing is left to migrate. Otherwise the new ruleset is checked with
# `nft -c`, the revert armed, the requests written and the ruleset loaded; `applied=1` tells the
# caller to confirm. stdin: ruleset, unit, request ('' for none), then one request per line of
# $write_requests (base64, one line each).
# Prologue: table unit rules unit_file pending previous revert_script revert_text reverted
# revert_unit revert_after digest raced migrate (the apps whose tables go, for the message)
# write_requests (paths, one a line) (and firewall_lib.sh's).
if ! command -v nft >/dev/null; then
  # A dry run on a server the packages step would install nftables on.
  if [ "$dry" = 1 ]; then echo "would=install the firewall table inet $table and $unit"; echo "changed=firewall"; exit 0; fi
  echo "nft is not installed (the packages step installs nftables)" >&2; exit 4
fi
firewall_lock
[ "$(others_digest)" = "$digest" ] || { echo "another app's firewall request changed while this run read them" >&2; exit "$raced"; }
newreq=$(mktemp)
IFS= read -r rules_b64; IFS= read -r unit_b64; IFS= read -r req_b64
printf '%s' "$rules_b64" | base64 -d > "$pending"
printf '%s' "$req_b64" | base64 -d > "$newreq"
cmp -s "$pending" "$rules" || mark ruleset
printf '%s' "$unit_b64" | base64 -d | cmp -s - "$unit_file" || mark unit
if ! nft list table inet "$table" >/dev/null 2>&1; then mark table; fi
if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then mark enabled; fi
if [ -s "$newreq" ]; then cmp -s "$newreq" "$own_request" || mark request; elif [ -e "$own_request" ]; then mark request; fi
[ -z "$migrate" ] || mark migrate
[ -n "$changed" ] || { rm -f "$pending" "$newreq"; echo "changed="; exit 0; }
if ! out=$(nft -c -f "$pending" 2>&1); then echo "$out" | tail -n 8 >&2; rm -f "$pending" "$newreq"; exit 5; fi
if [ "$dry" = 1 ]; then
  echo "would=load the firewall table inet $table (reverted after $revert_after s unless a new SSH login confirms it), install $rules and $unit${migrate:+, migrate the per-app tables of $migrate}"
  [ -f "$rules" ] && { diff -u "$rules" "$pending" | sed -n '3,40p' | sed 's/^/diff=/' || true; }
  rm -f "$pending" "$newreq"
else
  rm -f "$previous"; [ -f "$own_request" ] && cp -a "$own_request" "$previous"
  # The way back: the last confirmed ruleset (or no table at all), and this app's previous request.
  printf '#!/bin/sh\n%s\n' "$revert_text" > "$revert_script"
  chmod 0700 "$revert_script"
  rm -f "$reverted"
  systemctl stop "$revert_unit.timer" "$revert_unit.service" 2>/dev/null || true
  systemctl reset-failed "$revert_unit.service" 2>/dev/null || true
  systemd-run --quiet --unit="$revert_unit" --on-active="${revert_after}s" --timer-property=AccuracySec=1s "$revert_script"
  install -d -m 0755 -o root -g root /etc/gunicorn-deploy "$requests_dir"
  if [ -s "$newreq" ]; then install -m 0644 -o root -g root "$newreq" "$own_request"; else rm -f "$own_request"; fi
  # The other apps' requests this run migrates out of their per-app tables.
  while IFS= read -r path <&3; do
    [ -n "$path" ] || continue
    IFS= read -r b64; printf '%s' "$b64" | base64 -d > "$newreq"; install -m 0644 -o root -g root "$newreq" "$path"
  done 3<<<"$write_requests"
  rm -f "$newreq"
  if ! out=$(nft -f "$pending" 2>&1); then
    systemctl stop "$revert_unit.timer" 2>/dev/null || true
    if [ -f "$previous" ]; then cp -a "$previous" "$own_request"; else rm -f "$own_request"; fi
    echo "$out" | tail -n 8 >&2; exit 5
  fi
  echo applied=1
fi
