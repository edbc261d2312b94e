# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Writes the rendered files into $staged (readable by the app's user) and prints which differ from
# the installed ones. Their text comes on stdin, one base64 line per file in the order of the
# values to_I (the staged copy) and path_I (the installed file), I below $count, read by shell
# builtins: the environment file holds secrets, never in a command line.
# Prologue: staged user count to_0 path_0 ...
umask 077
rm -rf "$staged"; install -d -m 0750 -o root -g "$user" "$staged"
changed=""
tos=()
for ((i = 0; i < count; i++)); do
  to_var="to_$i"; to=${!to_var}; tos+=("$to")
  IFS= read -r b64; printf '%s' "$b64" | base64 -d > "$to"
done
# One chmod and one chown for all (they are root's 0600 until then, in a folder only root writes).
if [ "$count" -gt 0 ]; then chmod 0640 "${tos[@]}"; chown root:"$user" "${tos[@]}"; fi
for ((i = 0; i < count; i++)); do
  path_var="path_$i"; installed=${!path_var}
  cmp -s "${tos[i]}" "$installed" || changed="$changed $installed"
done
echo "changed=$changed"
