# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# The alert webhook file (src/provision/alerts.ts), after write_files.sh put the alert script and
# its OnFailure= unit: the file's text is the last line of stdin; no `would=` or diff line ever
# shows it (so not write_files.sh, whose dry run prints a diff). Removed when no longer given.
# Prologue: hook.
reload_if_units_changed
IFS= read -r hook_b64 || true
if [ -n "$hook_b64" ]; then
  if [ -d "$(dirname "$hook")" ]; then
    tmp=$(mktemp "$(dirname "$hook")/.gd-new.XXXXXX")
    printf '%s' "$hook_b64" | base64 -d > "$tmp"
    if [ -f "$hook" ] && cmp -s "$tmp" "$hook" && [ "$(stat -c '%a %U:%G' "$hook")" = "600 root:root" ]; then
      rm -f "$tmp"
    else
      mark alert-webhook
      if [ "$dry" = 1 ]; then rm -f "$tmp"; echo "would=write $hook (mode 0600, root)"; else
        chown root:root "$tmp"; chmod 0600 "$tmp"; mv -f "$tmp" "$hook"
      fi
    fi
  else
    mark alert-webhook; echo "would=write $hook (mode 0600, root)"
  fi
elif [ -e "$hook" ]; then
  mark alert-webhook-removed; act rm -f "$hook"
fi
