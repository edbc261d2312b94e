# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Installs what is missing (src/provision/packages.ts). When everything is installed (dpkg-query),
# apt is not touched at all: no `apt-get update`. Unknown names are found with `apt-cache policy`
# after the update and refused before anything is installed, so a typo leaves the server as it was.
# Prologue: packages (one a line) unknown_exit.
missing=()
mapfile -t wanted < <(printf '%s' "$packages")
for p in "${wanted[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$st" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$dry" = 1 ]; then
    echo "would=apt-get install ${missing[*]}"
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get -q -o DPkg::Lock::Timeout=300 update >/tmp/gd-apt-update.log 2>&1 || { tail -n 20 /tmp/gd-apt-update.log >&2; exit 4; }
    unknown=()
    for p in "${missing[@]}"; do
      cand=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
      { [ -n "$cand" ] && [ "$cand" != "(none)" ]; } || unknown+=("$p")
    done
    if [ ${#unknown[@]} -gt 0 ]; then echo "unknown=${unknown[*]}"; exit "$unknown_exit"; fi
    apt-get -q -y -o DPkg::Lock::Timeout=300 install --no-install-recommends "${missing[@]}" >/tmp/gd-apt-install.log 2>&1 || { tail -n 30 /tmp/gd-apt-install.log >&2; exit 4; }
  fi
  mark "${missing[@]}"
fi
