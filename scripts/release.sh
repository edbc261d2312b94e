#!/usr/bin/env bash
# The release workflow's logic, kept out of YAML so a test can run it against a local repository.
#
#   scripts/release.sh vX.Y.Z [--notes FILE] [--push REMOTE]
#
# Refuses to release unless: the tag is vX.Y.Z and points at the checked-out commit, package.json
# says X.Y.Z, CHANGELOG.md has a non-empty "## [X.Y.Z]" section, .github/action-surface.json records
# this version's inputs and outputs, and the committed dist/ is the bundle of this source. Then writes that section to FILE (the GitHub
# release's notes) and moves the major tag vX to the release, unless a newer vX.* already exists:
# users who pin @v1 must only ever move forward, to a compatible release.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "release: $*" >&2
  exit 1
}

tag=${1:-}
shift || true
notes=""
remote=""
while [ $# -gt 0 ]; do
  case "$1" in
    --notes) notes=${2:?--notes takes a file}; shift 2 ;;
    --push) remote=${2:?--push takes a remote name}; shift 2 ;;
    *) fail "unknown argument '$1' (usage: scripts/release.sh vX.Y.Z [--notes FILE] [--push REMOTE])" ;;
  esac
done

[[ "$tag" =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] ||
  fail "'$tag' is not a release tag: use vMAJOR.MINOR.PATCH, e.g. v1.2.0"
version=${tag#v}
major=v${BASH_REMATCH[1]}

tagged=$(git rev-parse -q --verify "refs/tags/$tag^{commit}") || fail "tag $tag does not exist: git tag $tag && git push origin $tag"
head=$(git rev-parse HEAD)
[ "$tagged" = "$head" ] || fail "tag $tag is at ${tagged:0:12}, but the checkout is at ${head:0:12}: release from the tagged commit"

pkg=$(node -p 'require("./package.json").version')
[ "$pkg" = "$version" ] || fail "package.json says version $pkg, the tag says $version: set \"version\": \"$version\" and tag again"

# The section from "## [X.Y.Z]" to the next "## [": Keep a Changelog's layout.
section=$(awk -v v="$version" '
  /^## \[/ { if (found) exit; if (index($0, "## [" v "]") == 1) { found = 1; next } }
  found { print }
' CHANGELOG.md 2>/dev/null || true)
[ -n "$(printf '%s' "$section" | tr -d '[:space:]')" ] ||
  fail "CHANGELOG.md has no notes for $version: add a \"## [$version] - $(date -u +%Y-%m-%d)\" section (Keep a Changelog) and tag again"

node scripts/action-surface.mjs --check >&2 ||
  fail "record this release's inputs and outputs (node scripts/action-surface.mjs --write), commit, and tag again"

bash scripts/check-dist.sh >&2 || fail "the committed dist/ is not the bundle of the tagged source: run npm run bundle, commit dist/, and tag again"

if [ -n "$notes" ]; then printf '%s\n' "$section" | sed -e '/./,$!d' > "$notes"; fi
echo "release: $tag checks passed (commit ${head:0:12})"

# The newest vX.*.* tag decides where vX points: releasing a fix to an older line never moves it back.
newest=$(git tag -l "$major.*" | grep -E "^$major\.[0-9]+\.[0-9]+$" | sort -V | tail -n 1)
if [ "$newest" != "$tag" ]; then
  echo "release: $major stays at $newest, which is newer than $tag"
  exit 0
fi
git tag -f "$major" "$tag^{commit}" >/dev/null
echo "release: $major now points at $tag"
if [ -n "$remote" ]; then
  git push -f "$remote" "refs/tags/$major"
fi
