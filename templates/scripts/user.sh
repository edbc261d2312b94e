# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The app's users and folders (src/provision/user.ts), after the ownership check: the app user's
# shell nologin, no admin group, the log and config folders with their owners and modes, even if
# someone changed them. In a dry run the same checks only report.
# Prologue: user app_dir log_dir etc build_user.
if ! id -u "$user" >/dev/null 2>&1; then
  mark user
  echo "would=create the system user $user and the folders under $app_dir"
else
  shell=$(getent passwd "$user" | cut -d: -f7)
  if [ "$shell" != /usr/sbin/nologin ]; then mark shell; act usermod -s /usr/sbin/nologin "$user"; fi
  for g in sudo admin wheel; do
    if id -nG "$user" | tr ' ' '\n' | grep -qx "$g"; then mark "group-$g"; act gpasswd -d "$user" "$g" >/dev/null; fi
  done
  fix() { # path owner:group mode
    if [ ! -d "$1" ]; then mark "$1"; act install -d -m "$3" -o "${2%%:*}" -g "${2##*:}" "$1"; return; fi
    if [ "$(stat -c '%U:%G %a' "$1")" != "$2 ${3#0}" ]; then mark "$1"; act chown "$2" "$1"; act chmod "$3" "$1"; fi
  }
  fix "$log_dir" "$user:adm" 0750
  fix "$etc" "root:$user" 0750
  # shared/ is left to the deploy (it owns the shared paths inside and sets the folder's mode).
fi
id -u "$build_user" >/dev/null 2>&1 || { mark build-user; echo "would=create the build user $build_user"; }
