# shellcheck shell=bash disable=SC2154,SC2034 # the values come in the prologue (src/render/scripts.ts)
# What every provision script starts with (src/provision/run.ts). `act CMD...` runs CMD, or in a
# dry run only prints `would=CMD`; `mark WHAT` records a change. The checks before each act run in
# both cases, so a dry run reports exactly what a real run would change.
# Prologue: dry (1 for a dry run).
changed=""
mark() { changed="$changed $*"; }
act() { if [ "$dry" = 1 ]; then echo "would=$*"; else "$@"; fi; }
