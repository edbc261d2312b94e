# shellcheck shell=bash
# A deploy's root shell ahead of the app's processes for the CPU (src/steps/layout.ts). Where no
# cgroup weighs them (Debian's default: no cpu controller), the kernel shares the CPU between
# sessions (autogroups) by their nice: on a busy server each of the deploy's ~200 short commands
# would otherwise queue behind the app's workers, and a deploy under load took 60 % longer than a
# quiet one. The nice is the session's, so this shell and every command it runs from now on have
# it; the candidate, hooks, builds and the app's own units run in sessions of their own, unchanged.
# This shell runs one request at a time (about one core at most): only on a server with two cores
# or more, so the app always keeps at least one. Nothing fails where the kernel has no autogroups.
# Prologue: none.
if [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then echo -10 > /proc/self/autogroup 2>/dev/null || true; fi
