# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# One script for every level (src/loadtest/wrk.ts): wrk (one thread: the server keeps the other
# cores) with a sampler of CPU and memory (load_usage.sh) every 0.5 s beside it. Levels run one
# after another with a short pause, so each starts from a quiet server.
# Prologue: lua (load.lua's text) think_ms secs timeout_s kill_after clients (space-separated)
# cap host paths (one a line; the first is probed for a redirect to HTTPS); load_usage.sh's
# functions come first.
command -v wrk >/dev/null || { echo "gd-missing=wrk"; exit 3; }
tmp=$(mktemp -d /tmp/gd-load.XXXXXX)
sp=
trap '[ -n "$sp" ] && kill "$sp" 2>/dev/null; rm -rf "$tmp"' EXIT
printf '%s' "$lua" > "$tmp/load.lua"
mapfile -t wrk_paths <<<"$paths"
usage_init
sample() {
  local t id pt pi
  read -r pt pi <<< "$(cpu_now)"
  while sleep 0.5; do
    read -r t id <<< "$(cpu_now)"
    [ "$t" -gt "$pt" ] && echo "cpu $(( ((t-pt)-(id-pi))*1000/(t-pt) ))"
    pt=$t; pi=$id
    mem_line
  done
}
stat() { cpu_now; }
# A site whose plain HTTP only redirects to HTTPS (tls) is measured over HTTPS: 127.0.0.1:443 with
# the same Host and SNI (wrk does not check certificates), never its redirects.
url=http://127.0.0.1:80; wurl=$url
probe=$(curl -sS -o /dev/null -m 10 -w '%{http_code} %{redirect_url}' -H "Host: $host" "http://127.0.0.1${wrk_paths[0]:-/}" 2>/dev/null || true)
case "$probe" in "30"[1278]" https://"*) url=https://127.0.0.1:443; wurl="https://$host:443" ;; esac
echo "gd-target=$url"
TIMEFORMAT='gd-time %3U %3S %3R'
# shellcheck disable=SC2086 # the levels' client counts: numbers, one word each
for c in $clients; do
  sample > "$tmp/s.$c" & sp=$!
  read -r t0 i0 <<< "$(stat)"
  rc=0
  # bash's time: the CPU wrk itself used (user, system, wall), its share of the machine's load.
  { time { GD_THINK_MS="$think_ms" timeout --kill-after=5 "$kill_after" wrk -t 1 -c "$c" -d "${secs}s" --timeout "${timeout_s}s" -s "$tmp/load.lua" "$wurl" -- "$cap" "$host" "${wrk_paths[@]}" > "$tmp/w.$c" 2>&1 || rc=$?; }; } 2> "$tmp/t.$c"
  gen=$(awk '$1=="gd-time" && $4>0 {print int(($2+$3)*1000/$4)}' "$tmp/t.$c")
  kill "$sp" 2>/dev/null || true; wait "$sp" 2>/dev/null || true; sp=
  # The level as a whole counts too: a level the cap ends in under 0.5 s has no sample of its own.
  read -r t1 i1 <<< "$(stat)"
  [ "$t1" -gt "$t0" ] && echo "cpu $(( ((t1-t0)-(i1-i0))*1000/(t1-t0) ))" >> "$tmp/s.$c"
  mem_line >> "$tmp/s.$c"
  cpu=$(awk '$1=="cpu" && $2>m {m=$2} END{print m+0}' "$tmp/s.$c")
  mem=$(awk '$1=="mem" && $2>m {m=$2} END{print m+0}' "$tmp/s.$c")
  echo "gd-level clients=$c rc=$rc cpu_permille=$cpu mem_permille=$mem gen_permille=${gen:-0}"
  grep '^gd-wrk ' "$tmp/w.$c" || tail -n 5 "$tmp/w.$c" | sed 's/^/gd-wrk-out /'
  sleep 1
done
