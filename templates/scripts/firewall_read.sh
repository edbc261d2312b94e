# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Prints every other app's request (`req APP LINE`), the per-app tables of earlier versions to
# migrate (`legacy APP`, `legacyrule APP RULE`) and the digest the apply compares.
# Prologue: unit_file unit_header (and firewall_lib.sh's).
firewall_lock
for f in "$requests_dir"/*.ports; do
  [ -f "$f" ] || continue; [ "$f" != "$own_request" ] || continue
  a=$(basename "$f" .ports); sed -n "s/^\(tcp\|udp\) /req $a &/p" "$f"
done
for u in /etc/systemd/system/*-firewall.service; do
  # The shared table's own unit has the same shape (its rules in /etc/gunicorn-deploy/).
  [ "$u" != "$unit_file" ] || continue; [ -f "$u" ] || continue; [ ! -L "$u" ] || continue
  [ "$(head -c ${#unit_header} "$u")" = "$unit_header" ] || continue
  a=$(sed -n 's|^ExecStart=/usr/sbin/nft -f /etc/\([a-z][a-z0-9-]*\)/firewall\.nft$|\1|p' "$u")
  [ -n "$a" ] || continue
  echo "legacy $a"
  sed -n "s/^ *\(tcp\|udp\) dport {/legacyrule $a &/p" "/etc/$a/firewall.nft" 2>/dev/null || true
done
echo "digest=$(others_digest)"
