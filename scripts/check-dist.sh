#!/usr/bin/env bash
# Fails when the committed dist/ (or $DIST) is not exactly a fresh bundle of src/.
# FRESH_DIST=DIR compares against a bundle already built from this same source instead of building
# one more (the release script's test: a bundle costs ~50 s of CPU).
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${DIST:-dist}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fresh=${FRESH_DIST:-$tmp/dist}
[ -n "${FRESH_DIST:-}" ] || bash scripts/bundle.sh "$fresh"
if ! diff -r -q "$dist" "$fresh"; then
  echo "dist/ is stale: it differs from a fresh bundle of src/. Run: npm run bundle, then commit dist/." >&2
  exit 1
fi
echo "dist/ is fresh"
