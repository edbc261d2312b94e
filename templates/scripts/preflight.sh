# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# What deploy and provision need, read as the login user (no writes): each probe prints key=value
# and never fails the script, so one missing tool is reported as such rather than hiding the
# others. The disk and name probes follow, then preflight_end.sh.
# Prologue: py tools (CMD:PACKAGE words).
set +e
# shellcheck disable=SC1091 # the server's own
. /etc/os-release 2>/dev/null; echo "os=${PRETTY_NAME:-unknown}"
if [ "$(id -u)" = 0 ]; then echo sudo=root; elif sudo -n true 2>/dev/null; then echo sudo=yes; else echo sudo=no; fi
echo "pid1=$(cat /proc/1/comm 2>/dev/null)"
echo "systemd_version=$(systemctl --version 2>/dev/null | awk 'NR==1 {print $2}')"
if command -v "$py" >/dev/null; then echo "python=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>&1)"; else echo python=; fi
# What the venv step runs: python -m venv, which needs ensurepip (python3-venv on Debian/Ubuntu).
if "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then echo venv=yes; else echo venv=no; fi
missing=""
for t in $tools; do command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"; done
echo "missing=$missing"
