# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# After write_files.sh put /etc/logrotate.d/APP (src/provision/logrotate.ts): a config logrotate
# cannot read is refused (exit 4), with its errors.
# Prologue: rules.
if [ "$dry" != 1 ] && was_changed "$rules"; then
  if ! out=$(logrotate -d "$rules" 2>&1) || echo "$out" | grep -qi '^error'; then
    echo "$out" | grep -i error | head -n 5 >&2; exit 4
  fi
fi
