#!/usr/bin/env bash
# Rebuilds the committed bundles from src/: dist/index.js (the action: main and post) and
# dist/cli/index.js (the CLI). Usage: scripts/bundle.sh [OUTDIR]  (default dist)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
if find node_modules -path '*/build/Release/*.node' 2>/dev/null | grep -q .; then
  echo "node_modules holds built native addons (ssh2/cpu-features); they must not land in the bundle." >&2
  echo "Run: npm ci --ignore-scripts   (ssh2 runs in pure JS)" >&2
  exit 1
fi
rm -rf "$out"
npx ncc build src/entry/index.ts -o "$out" --quiet
npx ncc build src/entry/cli-main.ts -o "$out/cli" --quiet
# ssh2's Windows pageant helper: no use on Linux runners or servers.
rm -f "$out/pagent.exe" "$out/cli/pagent.exe"
# The action loads only what a run needs; the sandbox (systemd-nspawn test servers) is the CLI's.
if grep -l 'systemd-nspawn' "$out"/*.js >/dev/null 2>&1; then
  echo "the action bundle contains the sandbox code: $(grep -l 'systemd-nspawn' "$out"/*.js)" >&2
  exit 1
fi
if find "$out" -name '*.node' | grep -q .; then
  echo "the bundle contains a native addon: $(find "$out" -name '*.node')" >&2
  exit 1
fi
