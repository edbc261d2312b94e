#!/usr/bin/env bash
# Fails when the committed dist/ (or $DIST) is not exactly a fresh bundle of src/.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${DIST:-dist}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash scripts/bundle.sh "$tmp/dist"
if ! diff -r -q "$dist" "$tmp/dist"; then
  echo "dist/ is stale: it differs from a fresh bundle of src/. Run: npm run bundle, then commit dist/." >&2
  exit 1
fi
echo "dist/ is fresh"
