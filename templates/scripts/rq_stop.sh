# shellcheck shell=bash disable=SC2154 # the values come in the prologue (src/render/scripts.ts)
# An RQ worker's ExecStop= (src/processes/rq.ts): SIGTERM to the worker, then watch it. A worker that
# starts a new job after the signal (a child the stop did not see) or stays alive without one for
# 2 s missed it: SIGTERM again, between jobs. At $limit seconds it is killed, as TimeoutStopSec would.
# One line of a unit (serverOneLine): each line below is a whole statement, joined with `; `, so
# none may end in `do`, `then`, `{`, `|` or `&&`, and none holds a comment. Builtins only in the
# loop (reading /proc), so it samples every 50 ms even on a loaded server. The children file has
# no newline at its end: read's status says EOF, its variable has the line.
# Prologue: limit. The environment: MAINPID (systemd's).
p=${MAINPID:-}; [ -n "$p" ] && kill -0 "$p" 2>/dev/null || exit 0
kids() { k=""; for f in /proc/"$p"/task/*/children; do c=""; read -r c 2>/dev/null < "$f"; k="$k $c"; done; }
kids; before="$k "; kill -TERM "$p"; end=$((SECONDS + limit)); idle=0; missed=0; again=0
while kill -0 "$p" 2>/dev/null; do if [ "$SECONDS" -ge "$end" ]; then kids; for c in $k; do kill -KILL "$c"; done; kill -KILL "$p"; exit 0; fi
sleep 0.05; kids; new=0; for c in $k; do [[ "$before" == *" $c "* ]] || new=1; done
if [ "$new" = 1 ]; then missed=1; fi
if [ -z "${k// /}" ]; then idle=$((idle + 1)); else idle=0; fi
if [ "$idle" -ge 40 ]; then missed=1; fi
if [ "$missed" = 1 ] && [ "$again" = 0 ] && [ "$new" = 0 ]; then echo "rq: the worker missed its SIGTERM (it went on taking jobs): sent again, between jobs"; kill -TERM "$p"; again=1; fi
done
