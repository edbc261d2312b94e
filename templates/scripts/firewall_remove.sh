# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# No app asks for a firewall any more: the table, its unit, file and requests go.
# Prologue: table unit rules unit_file (and firewall_lib.sh's).
if [ -e "$unit_file" ] || [ -e "$rules" ] || [ -e "$own_request" ] || [ -n "$legacy" ] || { command -v nft >/dev/null && nft list table inet "$table" >/dev/null 2>&1; }; then
  mark firewall-removed
  if [ "$dry" = 1 ]; then echo "would=remove the firewall table inet $table, $unit and $rules"; else
    firewall_lock
    systemctl disable --now --quiet "$unit" 2>/dev/null || true
    if command -v nft >/dev/null; then nft delete table inet "$table" 2>/dev/null || true; fi
    rm -f "$unit_file" "$rules" "$own_request"
    remove_legacy
    systemctl daemon-reload
  fi
fi
