# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# fail2ban for the app $app (src/provision/fail2ban.ts), under one server-wide lock: writes (on=1)
# or removes (on=0) the app's request ($own_req: its SSH port and the addresses never banned) and
# its rate-limit jail ($app_jail), then rebuilds the server's one sshd jail ($server_jail) from
# every app's request, tests fail2ban's whole configuration (the previous files come back when it
# fails), and starts or reloads fail2ban; the last app to leave stops it only if the tool started it
# ($marker). stdin: the request's text and the app jail's text, one base64 line each ('' for none).
# Prologue: on app req_dir own_req app_jail server_jail marker lock header installed_now
#   nginx_log_dir nginx_error_log wait_s.
# Root reads only root's files here, and nginx's error log, checked first: nginx writes it, never
# the app's user (a folder another user may write would let them point the log anywhere).
# Ends early with the changed line every provision script prints last (src/provision/shell.ts).
finish() { echo "changed=$changed"; exit 0; }
IFS= read -r req_b64 || true
IFS= read -r jail_b64 || true
new_req=$(printf '%s' "$req_b64" | base64 -d)
new_jail=$(printf '%s' "$jail_b64" | base64 -d)
f2b_ours() { [ -f "$own_req" ] || [ -f "$app_jail" ] || [ -f "$server_jail" ]; }
if [ "$on" != 1 ] && ! f2b_ours; then finish; fi
if [ "$on" = 1 ] && ! command -v fail2ban-client >/dev/null; then
  if [ "$dry" = 1 ]; then echo "would=configure fail2ban (the packages step installs it)"; mark fail2ban; finish; fi
  echo "fail2ban-client is not installed (the packages step installs fail2ban)" >&2; exit 4
fi
if [ -n "$new_jail" ]; then
  if [ -L "$nginx_log_dir" ] || [ ! -d "$nginx_log_dir" ] || [ "$(stat -c %u "$nginx_log_dir")" != 0 ] \
    || [ -n "$(find "$nginx_log_dir" -maxdepth 0 -perm /022)" ]; then
    echo "$nginx_log_dir is not a folder of root's alone (a link, another owner, or writable by others): fail2ban reads nginx's error log there as root. Make it root-owned 0755 (Debian's is root:adm) and run provision again." >&2
    exit 3
  fi
  if [ -L "$nginx_error_log" ] || { [ -e "$nginx_error_log" ] && [ ! -f "$nginx_error_log" ]; }; then
    echo "$nginx_error_log is not a regular file: fail2ban reads it as root. Remove it, reload nginx (it makes a new one) and run provision again." >&2
    exit 3
  fi
fi
install -d -m 0700 /run/gunicorn-deploy
exec 9>"$lock"
flock -w 120 9 || { echo "another provision held the fail2ban lock for 120 s" >&2; exit 9; }

# One file: rewritten when its text differs, removed when the new text is empty. Marks the change.
tmpdir=$(mktemp -d); bak="$tmpdir/bak"; mkdir "$bak"
trap 'rm -rf "$tmpdir"' EXIT
put_text() {
  local path=$1 text=$2
  if [ -z "$text" ]; then
    [ -e "$path" ] || return 0
    mark "$path"; [ "$dry" = 1 ] && { echo "would=remove $path"; return 0; }
    cp -a "$path" "$bak/$(basename "$path")"; rm -f "$path"; return 0
  fi
  if [ -f "$path" ] && [ ! -L "$path" ] && [ "$(cat "$path")" = "$text" ] && [ "$(stat -c '%a %U' "$path")" = "644 root" ]; then return 0; fi
  mark "$path"
  if [ "$dry" = 1 ]; then echo "would=write $path"; return 0; fi
  [ -e "$path" ] && cp -a "$path" "$bak/$(basename "$path")"
  install -d -m 0755 -o root -g root "$(dirname "$path")"
  printf '%s\n' "$text" > "$tmpdir/new"; install -m 0644 -o root -g root "$tmpdir/new" "$path"
}
# Puts back what this run replaced (a configuration fail2ban refused).
restore() {
  rm -f "$own_req" "$app_jail" "$server_jail"
  [ -f "$bak/$(basename "$own_req")" ] && cp -a "$bak/$(basename "$own_req")" "$own_req"
  [ -f "$bak/$(basename "$app_jail")" ] && cp -a "$bak/$(basename "$app_jail")" "$app_jail"
  [ -f "$bak/$(basename "$server_jail")" ] && cp -a "$bak/$(basename "$server_jail")" "$server_jail"
  return 0
}
put_text "$own_req" "$new_req"
put_text "$app_jail" "$new_jail"

# The server's sshd jail: every app's SSH port and addresses (a dry run counts this app's as given).
reqs() {
  for f in "$req_dir"/*.conf; do
    [ -f "$f" ] || continue
    if [ "$dry" = 1 ] && [ "$f" = "$own_req" ]; then continue; fi
    cat -- "$f"
  done
  [ "$dry" = 1 ] && printf '%s\n' "$new_req"
  return 0
}
all=$(reqs)
ports=$(printf '%s\n' "$all" | sed -n 's/^ssh-port \([0-9]\{1,5\}\)$/\1/p' | sort -un | paste -sd, -)
ignore=$(printf '%s\n' "$all" | sed -n 's|^ignore \([0-9a-fA-F:./]\{1,49\}\)$|\1|p' | sort -u | paste -sd' ' -)
server_text=""
if [ -n "$ports" ]; then
  server_text="$header; changes here are overwritten on the next provision of any app here.
# The server's sshd jail, for every app the tool provisioned here with fail2ban: true
# ($req_dir). Only ssh.service's own journal lines count: a process of another unit (the app's)
# cannot write lines in its name.
[sshd]
enabled = true
backend = systemd
journalmatch = _SYSTEMD_UNIT=ssh.service + _SYSTEMD_SLICE=system-ssh.slice
port = $ports
banaction = nftables
ignoreip = 127.0.0.1/8 ::1 $ignore
maxretry = 5
findtime = 10m
bantime = 1h"
fi
put_text "$server_jail" "$server_text"

active=0; systemctl is-active --quiet fail2ban && active=1
enabled=0; systemctl is-enabled --quiet fail2ban 2>/dev/null && enabled=1
if [ "$on" != 1 ]; then
  # The last app to leave stops fail2ban only when the tool started it; otherwise its jails go.
  if [ -z "$server_text" ] && [ -f "$marker" ]; then
    mark fail2ban:stopped
    if [ "$dry" = 1 ]; then echo "would=stop and disable fail2ban (the tool started it)"; else
      systemctl disable --now --quiet fail2ban; rm -f "$marker"
    fi
  elif [ -n "$changed" ] && [ "$active" = 1 ] && [ "$dry" != 1 ]; then
    fail2ban-client reload >/dev/null
  fi
  finish
fi
if [ "$dry" = 1 ]; then
  [ "$enabled" = 1 ] || { mark fail2ban:enabled; echo "would=enable fail2ban"; }
  [ "$active" = 1 ] || { mark fail2ban:started; echo "would=start fail2ban"; }
  finish
fi
if [ -n "$changed" ] && ! out=$(fail2ban-client -t 2>&1); then
  restore
  echo "fail2ban refused the configuration (the previous files are back):" >&2
  printf '%s\n' "$out" | grep -v '^OK' | tail -n 8 >&2
  exit 5
fi
# Started (or installed) by the tool: it may stop it again; an administrator's own fail2ban, never.
if { [ "$active" = 0 ] && [ "$enabled" = 0 ]; } || [ "$installed_now" = 1 ]; then
  [ -e "$marker" ] || printf '%s\n' "$header: fail2ban was started by the tool, which stops it when no app asks for it." > "$marker"
fi
if [ "$enabled" = 0 ]; then mark fail2ban:enabled; systemctl enable --quiet fail2ban; fi
if [ "$active" = 0 ]; then
  mark fail2ban:started; systemctl start fail2ban
elif [ -n "$changed" ]; then
  fail2ban-client reload >/dev/null
fi
# The jails answer once fail2ban has read them.
jails="sshd"; [ -n "$new_jail" ] && jails="$jails $app-rate-limit"
for j in $jails; do
  i=0
  until fail2ban-client status "$j" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt "$((wait_s * 5))" ]; then
      echo "fail2ban does not run the jail $j after $wait_s s:" >&2
      journalctl -u fail2ban -n 10 --no-pager -o cat >&2; exit 6
    fi
    sleep 0.2
  done
done
# An address that is never to be banned may have been banned before it was listed.
for a in $ignore; do
  case "$a" in */*) ;; *) fail2ban-client unban "$a" >/dev/null 2>&1 || true;; esac
done
echo "jails=$jails"
