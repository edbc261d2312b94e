#!/usr/bin/env bash
# What the tests need that a fresh Debian machine lacks: the sandbox's tools and the real tools the
# template tests run their output through (apt, as root), bsdtar (the tar of macOS and Windows
# runners) and shellcheck (npm run lint), then node_modules (npm ci). Shared by
# `.ci/run` and `npm test`, so a newcomer's `npm test` installs exactly what CI does.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for tool in debootstrap:debootstrap systemd-nspawn:systemd-container iptables:iptables ip:iproute2 \
            ssh:openssh-client ssh-keygen:openssh-client rsync:rsync sqlite3:sqlite3 tar:tar \
            curl:curl gzip:gzip systemd-analyze:systemd nginx:nginx-light python3:python3 \
            bsdtar:libarchive-tools shellcheck:shellcheck; do
  PATH=$PATH:/usr/sbin:/sbin command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "the tests need these Debian packages, and installing them needs root: ${need[*]}" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  echo "installing what the tests need: ${need[*]}" >&2
  apt-get update -q
  # No service may start on this machine (nginx would take port 80): the tests only run nginx -t.
  policy=/usr/sbin/policy-rc.d
  [ -e $policy ] || { printf '#!/bin/sh\nexit 101\n' > $policy; chmod +x $policy; trap 'rm -f $policy' EXIT; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
# --ignore-scripts: ssh2 runs in pure JS, and built native addons must never reach dist/.
if [ "${1:-}" = --npm-ci ] || [ ! -d node_modules/.bin ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
