# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Sets name to the last restore's safety copy (root's record $last_restore) and prints what the
# undo drops; exits $not_found when there is nothing to undo.
# Prologue: last_restore not_found.
if [ ! -f "$last_restore" ] || [ -L "$last_restore" ]; then echo "no restore to undo on this server ($last_restore is missing: no restore finished here); name a backup id instead" >&2; exit "$not_found"; fi
name=$(sed -n 's/^safety=//p' "$last_restore" | head -n 1)
case "$name" in
  '' | none* | [!A-Za-z0-9]* | *[!A-Za-z0-9._-]*) echo "the last restore took no safety copy (there was no database before it): nothing to undo" >&2; exit "$not_found";;
esac
echo "undo_of=$(sed -n 's/^backup=//p' "$last_restore" | head -n 1 | tr -cd 'A-Za-z0-9._-')"
echo "undo_time=$(sed -n 's/^time=//p' "$last_restore" | head -n 1 | tr -cd '0-9TZ:.-')"
