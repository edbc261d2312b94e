# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# Writes each file only when its text, mode or owner differ from what is installed, through a
# temporary file in the same folder and a rename (a reader never sees half a file). Each changed
# path is marked; `was_changed PATH` tells later lines of the script. The files' text comes on
# stdin, one base64 line each in the order of $write_files (never in the command line, which every
# local user can read and sudo logs). A missing folder is made 0755; an existing one keeps its mode
# (`install -d -m` would reset it: /etc/APP is 0750).
# Prologue: write_files (one a line: MODE OWNER PATH).
was_changed() { case " $changed " in *" $1 "*) return 0;; esac; return 1; }
put() {
  local path=$1 mode=$2 owner=$3 tmp b64
  IFS= read -r b64
  tmp=$(mktemp "$(dirname "$path")/.gd-new.XXXXXX" 2>/dev/null || mktemp)
  printf '%s' "$b64" | base64 -d > "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path" && [ "$(stat -c '%a %U:%G' "$path")" = "${mode#0} $owner" ]; then
    rm -f "$tmp"; return 0
  fi
  mark "$path"
  if [ "$dry" = 1 ]; then
    if [ -f "$path" ]; then echo "would=rewrite $path"; diff -u "$path" "$tmp" | sed -n '3,40p' | sed 's/^/diff=/' || true; else echo "would=create $path"; fi
    rm -f "$tmp"; return 0
  fi
  chmod "$mode" "$tmp"; chown "$owner" "$tmp"; mv -f "$tmp" "$path"
}
# The loops read the list on fd 3: stdin is the files' text.
while read -r wf_mode wf_owner wf_path <&3; do
  [ -n "$wf_path" ] || continue
  [ "$dry" = 1 ] || [ -d "$(dirname "$wf_path")" ] || install -d -m 0755 "$(dirname "$wf_path")"
done 3<<<"$write_files"
while read -r wf_mode wf_owner wf_path <&3; do
  [ -n "$wf_path" ] || continue
  put "$wf_path" "$wf_mode" "$wf_owner"
done 3<<<"$write_files"
