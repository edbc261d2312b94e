# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# What the app itself needs on a server that has the system packages but was never provisioned
# (after the ownership refusals): its system user, its build user, its folders, /etc/APP and its
# log folder. Missing packages are named (exit 3), not installed. Prints changed=yes|no.
# Prologue: python need_sqlite user build_user dir state releases venvs incoming pip_cache backups
# legacy_backups daily_pattern root_read shared etc log_dir.
missing=""
command -v "$python" >/dev/null || missing="$missing python3"
# venv and ensurepip where the interpreter's own standard library is (Debian: /usr/lib/python3.N,
# ensurepip from python3.N-venv), seen with one readlink; only when they are not there does Python
# itself look (found, not imported: importing ensurepip costs ~4x the look-up). A Python start is
# ~50 ms of every deploy.
py_real=$(readlink -f -- "$(command -v "$python" || true)" 2>/dev/null || true)
py_lib="${py_real%/bin/*}/lib/${py_real##*/}"
if [ -z "$py_real" ] || [ ! -f "$py_lib/venv/__init__.py" ] || [ ! -f "$py_lib/ensurepip/__init__.py" ]; then
  "$python" -c 'import importlib.util as u, sys; sys.exit(not (u.find_spec("venv") and u.find_spec("ensurepip")))' >/dev/null 2>&1 || missing="$missing python3-venv"
fi
command -v flock >/dev/null || missing="$missing util-linux"
command -v curl >/dev/null || missing="$missing curl"
if [ "$need_sqlite" = 1 ]; then command -v sqlite3 >/dev/null || missing="$missing sqlite3"; fi
if [ -n "$missing" ]; then
  echo "missing packages:$missing" >&2
  exit 3
fi
changed=no
if ! getent group "$user" >/dev/null; then groupadd --system "$user"; changed=yes; fi
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --gid "$user" --home-dir "$dir" --no-create-home --shell /usr/sbin/nologin "$user"
  changed=yes
fi
# The build user: everything made from the repository is its, never root's nor the app's.
if ! getent group "$build_user" >/dev/null; then groupadd --system "$build_user"; changed=yes; fi
if ! id -u "$build_user" >/dev/null 2>&1; then
  useradd --system --gid "$build_user" --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$build_user"
  changed=yes
fi
[ -d "$dir" ] || { install -d -m 0755 -o root -g root "$dir"; changed=yes; }
# Traversable by the build user (for incoming/), readable by nobody else.
[ -d "$state" ] || { install -d -m 0750 -o root -g "$build_user" "$state"; changed=yes; }
for d in "$releases" "$venvs" "$incoming"; do
  [ -d "$d" ] || { install -d -m 0755 -o "$build_user" -g "$build_user" "$d"; changed=yes; }
  # A server deployed by an older version has them root's: handed over once. Releases and venvs
  # already inside stay root's (read-only to the build user); new ones are the build user's.
  if [ "$(stat -c %U:%G "$d")" != "$build_user:$build_user" ]; then chown "$build_user:$build_user" "$d"; changed=yes; fi
done
if [ "$(stat -c %G "$state")" != "$build_user" ]; then chgrp "$build_user" "$state"; changed=yes; fi
chmod 0750 "$state"
# root's pip cache of an older version (what it holds came from pip, not from the repository;
# chown -R changes links themselves, never what they point at).
if [ -d "$pip_cache" ] && [ "$(stat -c %U "$pip_cache")" != "$build_user" ]; then chown -R "$build_user:$build_user" "$pip_cache"; changed=yes; fi
[ -d "$backups" ] || { install -d -m 0750 -o root -g "$user" "$backups"; changed=yes; }
# The daily backups an older version kept in shared/ (which the app can write) move into backups/:
# each read once without following a link (root_read.py), only a regular file of the app's user.
if [ -e "$legacy_backups" ]; then python3 -I -c "$root_read" move "$legacy_backups" "$user" "$backups" "$daily_pattern" >/dev/null || true; fi
[ -d "$shared" ] || { install -d -m 0750 -o "$user" -g "$user" "$shared"; changed=yes; }
[ -d "$etc" ] || { install -d -m 0750 -o root -g "$user" "$etc"; changed=yes; }
[ -d "$log_dir" ] || { install -d -m 0750 -o "$user" -g adm "$log_dir"; changed=yes; }
echo "changed=$changed"
