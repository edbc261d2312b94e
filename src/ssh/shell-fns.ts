// Shell functions the server-side scripts share (bash: the root shell and the step scripts run it).

/** `ms`: the wall clock in milliseconds, from bash itself (no `date` process). */
export const MS_FN = 'ms() { local t=${EPOCHREALTIME/./}; echo $((10#$t / 1000)); }';

/**
 * `nap SECONDS` waits like sleep, without starting a process per wait (a read that times out on a
 * pipe nobody writes to): polling loops look many times a second on a busy server.
 */
export const NAP_FN = `exec {nap_fd}<> <(:)
nap() { read -rt "$1" -u "$nap_fd" _ || true; }`;

/**
 * `running PID`: true while PID is a live process, not gone and not a zombie its parent has yet to
 * reap; read by bash from /proc (no process), as the verify's and the candidate's polls look often.
 */
export const RUNNING_FN = `running() {
  local st="" k v _
  while read -r k v _; do [ "$k" = State: ] && { st=$v; break; }; done 2>/dev/null < "/proc/$1/status" || true
  [ -n "$st" ] && [ "$st" != Z ]
}`;

/**
 * `read_kv FILE`: FILE's `KEY=VALUE` lines (root's notes, `systemctl show`'s answer through a
 * process substitution) into the associative array kv, a later line winning; read by bash, no
 * process. A FILE that cannot be read fails the call, as its redirect would.
 */
export const KV_FN = `declare -gA kv=()
read_kv() {
  local k v
  kv=()
  while IFS='=' read -r k v; do [ -z "$k" ] || kv[$k]=$v; done < "$1"
}`;
