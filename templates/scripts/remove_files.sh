# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Step `remove files` (src/provision/remove.ts): the app's user and build user, the releases and
# venvs; the data (shared/, backups/) and logs only when remove-data ($data = 1), else kept
# root-only so that no later user given the same uid can read them.
# Prologue: data gone (the folders that go without remove-data, one a line) top (the app's folder
# and log folder, one a line) users (one a line).
mapfile -t gone_a < <(printf '%s' "$gone")
mapfile -t top_a < <(printf '%s' "$top")
mapfile -t users_a < <(printf '%s' "$users")
if [ "$data" = 1 ]; then
  for d in "${top_a[@]}"; do
    [ -e "$d" ] && { mark "$d"; act rm -rf --one-file-system -- "$d"; }
  done
else
  for d in "${gone_a[@]}"; do
    { [ -e "$d" ] || [ -L "$d" ]; } && { mark "$d"; act rm -rf --one-file-system -- "$d"; }
  done
  for d in "${top_a[@]}"; do
    [ -d "$d" ] && [ ! -L "$d" ] && [ "$(stat -c '%U:%G %a' "$d")" != "root:root 700" ] && { mark "kept:$d"; act chown root:root -- "$d"; act chmod 0700 -- "$d"; }
  done
fi
for who in "${users_a[@]}"; do
  id -u "$who" >/dev/null 2>&1 || continue
  mark "user:$who"
  if [ "$dry" = 1 ]; then echo "would=userdel $who"; else
    # systemd stopped the app's processes; a build left running would keep the user.
    if ! out=$(userdel "$who" 2>&1); then echo "userdel $who: $out" >&2; exit 5; fi
  fi
  if getent group "$who" >/dev/null; then act groupdel "$who" 2>/dev/null || true; fi
done
