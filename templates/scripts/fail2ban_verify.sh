# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The checklist's fail2ban line (src/provision/fail2ban.ts): `fail2ban_verify`, called by
# verify_checklist.sh after the tls line (its `r` prints the line). Prologue: f2b_request (the
# app's request file), f2b_jail (the app's rate-limit jail file), f2b_jail_name.
fail2ban_verify() {
  local jl j st ok="" bad=""
  if [ ! -f "$f2b_request" ]; then r fail2ban n/a "fail2ban: false"; return; fi
  if ! systemctl is-active --quiet fail2ban; then
    r fail2ban red "fail2ban is not running (systemctl status fail2ban; journalctl -u fail2ban)"
    return
  fi
  jl="sshd"
  if [ -f "$f2b_jail" ]; then jl="$jl $f2b_jail_name"; fi
  for j in $jl; do
    if st=$(fail2ban-client status "$j" 2>/dev/null); then
      ok="$ok, $j ($(printf '%s\n' "$st" | sed -n 's/.*Currently banned:[[:space:]]*//p') banned)"
    else
      bad="$bad $j"
    fi
  done
  if [ -z "$bad" ]; then r fail2ban ok "jails ${ok#, }"; else r fail2ban red "jails not running:$bad (fail2ban-client status; journalctl -u fail2ban)"; fi
}
