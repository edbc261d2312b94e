# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# A delta's start (src/steps/upload.ts), as the build user: the previous release $1 copied as
# hardlinks to $2, and its manifest printed after the line $manifest_mark. A release an older
# version built as root cannot be hardlinked by the build user (the kernel's protected_hardlinks):
# its first deploy sends the whole tree. Only the preload list that older versions wrote into each
# release (now in /etc/APP/preload) may be left out of a copy. Prologue: manifest_file
# legacy_preload_error (the end of cp's message for that file) manifest_mark.
prev=$1; dst=$2
if [ ! -f "$prev/$manifest_file" ] || [ -L "$prev/$manifest_file" ]; then echo copy=no-manifest; exit 0; fi
err=$(mktemp)
if ! cp -al -- "$prev" "$dst" 2>"$err" && grep -v -F "$legacy_preload_error" "$err" | grep -q .; then
  rm -rf -- "$dst" "$err"; echo copy=not-linkable; exit 0
fi
rm -f -- "$err"
echo copied=yes
echo "$manifest_mark"
cat -- "$prev/$manifest_file"
