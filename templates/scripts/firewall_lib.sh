# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# What every firewall script shares (src/provision/firewall.ts): only definitions, nothing runs.
# Prologue: fw_lock requests_dir own_request legacy (one line per per-app table of an earlier
# version to remove: its unit, unit file, ruleset and table).

# The one lock every script that reads or writes the requests holds.
firewall_lock() {
  install -d -m 0700 /run/gunicorn-deploy
  exec 9>"$fw_lock"
  flock -w 120 9 || { echo "another provision held the firewall lock for 120 s" >&2; exit 9; }
}

# A digest of every request but this app's (the apply compares it with the one read before).
others_digest() {
  for f in "$requests_dir"/*.ports; do
    [ -f "$f" ] || continue; [ "$f" != "$own_request" ] || continue
    printf '%s\n' "$f"; cat "$f"
  done | sha256sum | cut -c1-64
}

# The per-app tables of earlier versions go: their units, rulesets and tables.
remove_legacy() {
  local l_unit l_file l_rules l_table
  while read -r l_unit l_file l_rules l_table; do
    [ -n "$l_unit" ] || continue
    systemctl disable --now --quiet "$l_unit" 2>/dev/null || true
    nft delete table inet "$l_table" 2>/dev/null || true
    rm -f "$l_file" "$l_rules"
    # shellcheck disable=SC2034 # read by the script that calls this
    legacy_gone=1
  done <<<"$legacy"
}
