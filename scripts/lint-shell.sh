#!/usr/bin/env bash
# shellcheck over every server script: the plain ones (templates/scripts/*.sh, given their values
# by a prologue of quoted assignments) and the Handlebars ones (templates/**/*.sh.hbs), filled in
# with a sample value for every variable first. The scripts run under bash (`set -euo pipefail`).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v shellcheck >/dev/null; then
  echo "lint-shell: shellcheck is missing: apt-get install shellcheck (scripts/test-deps.sh installs it)" >&2
  exit 1
fi
shopt -s nullglob globstar
plain=(templates/scripts/*.sh)
templated=(templates/**/*.sh.hbs)
if [ ${#plain[@]} -eq 0 ] || [ ${#templated[@]} -eq 0 ]; then
  echo "lint-shell: no server scripts found under templates/" >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Every {{name}} and {{{sh name}}} gets "1": a value that is valid wherever the real ones go (a
# number, a name, a path part); the helpers are the renderer's (src/render/templates.ts).
node --input-type=module - "$out" "${templated[@]}" <<'JS'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';
const [out, ...files] = process.argv.slice(2);
const hbs = Handlebars.create();
const quote = (v) => `'${String(v).replace(/'/g, `'"'"'`)}'`;
for (const name of ['sh', 'py', 'envq', 'unitword', 'ident']) hbs.registerHelper(name, (v) => quote(v));
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const sample = {};
  for (const m of text.matchAll(/{{{?\s*(?:[a-z]+\s+)?([A-Za-z_]\w*)\s*}}}?/g)) sample[m[1]] = '1';
  const target = join(out, file.replace(/\.hbs$/, ''));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, hbs.compile(text, { noEscape: true, strict: true })(sample));
}
JS
rendered=()
for f in "${templated[@]}"; do rendered+=("$out/${f%.hbs}"); done
# A file whose first line says `shellcheck shell=sh` runs under sh too (an exec request's script,
# or a piece of one): checked as sh, since --shell would override its own directive.
bash_plain=()
sh_plain=()
for f in "${plain[@]}"; do
  if head -n 1 "$f" | grep -q 'shellcheck shell=sh '; then sh_plain+=("$f"); else bash_plain+=("$f"); fi
done
shellcheck --shell=bash "${bash_plain[@]}" "${rendered[@]}"
if [ ${#sh_plain[@]} -gt 0 ]; then shellcheck --shell=sh "${sh_plain[@]}"; fi
# The Python programs (templates/scripts/*.py, run as they are with argv): they must compile under
# the oldest python3 the supported servers have (bookworm's 3.11; this checks the runner's own).
programs=(templates/scripts/*.py)
if [ ${#programs[@]} -gt 0 ]; then
  python3 - "${programs[@]}" <<'PY'
import sys
for f in sys.argv[1:]:
    compile(open(f, encoding="utf-8").read(), f, "exec")
PY
fi
