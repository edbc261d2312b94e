# shellcheck shell=bash
# What this server may use (src/loadtest/wrk.ts). On a machine, /proc/stat and /proc/meminfo; in
# a container (nspawn, LXC, Docker) those are the host's, so its cgroup's cpu.stat (against the
# wall clock times the CPUs cpu.max allows) and memory.current less reclaimable page cache against
# memory.max (a hybrid host's unified hierarchy has cpu.stat but no memory controller: memory is
# then the machine's). `cpu_now` prints "total idle" in one unit, `mem_line` "mem PERMILLE";
# `usage_init` (first) prints `gd-source=`: where the CPU comes from. Only definitions, no values.
usage_init() {
  cg=; mcg=; virt=$(systemd-detect-virt --container 2>/dev/null || true)
  if [ -n "$virt" ] && [ "$virt" != none ]; then
    # cgroup2, or the unified half of a hybrid host (cpu.stat is there without any controller).
    for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
      if grep -q '^usage_usec ' "$d/cpu.stat" 2>/dev/null; then cg=$d; break; fi
    done
    if [ -n "$cg" ] && [ -r "$cg/memory.current" ]; then mcg=$cg; fi
  fi
  if [ -n "$cg" ]; then
    read -r quota period < "$cg/cpu.max" 2>/dev/null || quota=max
    if [ "$quota" = max ]; then cpum=$(( $(nproc) * 1000 )); else cpum=$(( quota * 1000 / period )); fi
    t_start=$(date +%s%6N)
    echo "gd-source=cgroup"
  else
    echo "gd-source=machine"
  fi
  if [ -n "$mcg" ]; then
    memmax=$(cat "$mcg/memory.max" 2>/dev/null || echo max)
    if [ "$memmax" = max ]; then memmax=$(( $(awk '/^MemTotal:/{print $2}' /proc/meminfo) * 1024 )); fi
  fi
}
cpu_now() {
  if [ -n "$cg" ]; then
    local u t; u=$(awk '$1=="usage_usec"{print $2}' "$cg/cpu.stat"); t=$(( ($(date +%s%6N) - t_start) * cpum / 1000 ))
    echo "$t $(( t - u ))"
  else
    local u n s i w q sq st; read -r _ u n s i w q sq st _ < /proc/stat
    echo "$((u+n+s+i+w+q+sq+st)) $((i+w))"
  fi
}
mem_line() {
  if [ -n "$mcg" ]; then
    local cur ina; cur=$(cat "$mcg/memory.current"); ina=$(awk '$1=="inactive_file"{print $2}' "$mcg/memory.stat" 2>/dev/null)
    echo "mem $(( (cur - ${ina:-0}) * 1000 / memmax ))"
  else
    awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{if (t>0) print "mem", int((t-a)*1000/t)}' /proc/meminfo
  fi
}
