# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# A group of root-shell requests as one (src/ssh/together.ts): part I is part_I_shell and
# part_I_text for I below $count. Each runs as the root shell would run it (stdin empty, stdout and
# stderr apart); those with part_I_bg = 1 start first and run beside the others, which run one
# after another until one fails (those after it are not run). One line per part: `INDEX RC MS
# STDOUT STDERR`, each output base64 (`-` when empty, at most the last $cap bytes), so nothing a
# part prints can fake another part's answer. Exit 0 only when every part ran and exited 0. All
# parts share its process group, so a cancel or its timeout ends them all. `ms` comes before.
# Prologue: count cap part_0_shell part_0_text part_0_bg ...
set +e
d=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d) || exit 1
trap 'rm -rf -- "$d"' EXIT
part() {
  local s rc; s=$(ms)
  "$2" -c "$3" </dev/null >"$d/o$1" 2>"$d/e$1"; rc=$?
  echo "$rc $(( $(ms) - s ))" > "$d/r$1"
  return "$rc"
}
b64() { if [ -s "$1" ]; then tail -c "$cap" -- "$1" | base64 -w0; else printf -- -; fi; }
# part N: runs part N of the prologue.
run_part() { local sh="part_$1_shell" text="part_$1_text"; part "$1" "${!sh}" "${!text}"; }
is_bg() { local bg="part_$1_bg"; [ "${!bg}" = 1 ]; }
ok=1; bg=""
for ((i = 0; i < count; i++)); do
  if is_bg "$i"; then run_part "$i" & bg="$bg $!"; fi
done
for ((i = 0; i < count; i++)); do
  is_bg "$i" && continue
  [ "$ok" = 0 ] || run_part "$i" || ok=0
done
for p in $bg; do wait "$p"; done
all=0
for ((i = 0; i < count; i++)); do
  if [ -f "$d/r$i" ]; then read -r rc t < "$d/r$i"; else rc=skip; t=0; all=1; fi
  [ "$rc" = 0 ] || all=1
  printf '%s %s %s %s %s\n' "$i" "$rc" "$t" "$(b64 "$d/o$i")" "$(b64 "$d/e$i")"
done
exit "$all"
