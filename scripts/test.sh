#!/usr/bin/env bash
# The one command that runs every test (npm test): types first, then the unit tests and the tests on
# real sandbox servers with lint and the dist/ freshness check beside them. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
# A fresh machine: the Debian packages and node_modules the tests need, as .ci/run installs them.
bash scripts/test-deps.sh
npx tsc -p tsconfig.json
results=$(mktemp)
checks=$(mktemp)
trap 'rm -f "$results" "$checks"' EXIT
# Lint and the dist/ freshness check (a whole bundle: ~50 s of CPU) run beside the tests: the
# sandbox tests leave gaps on the cores while servers boot and timers run, and these two steps took
# about 2.5 min of wall time ahead of them. Their output is printed, and counts, at the end.
(npm run --silent lint && bash scripts/check-dist.sh) >"$checks" 2>&1 &
checks_pid=$!
set +e
# Three workers even on two cores: a sandbox test mostly waits on its servers (boots, systemd, a
# firewall's 60 s revert, an alert's retries), so more files in flight overlap those waits. On 2
# cores: 2 workers took 12m51-16m22 for the whole run, 3 took 9m32 (CPU 88 % busy), all passing.
# GUNICORN_DEPLOY_TEST_WORKERS sets another number.
NODE_OPTIONS=--experimental-vm-modules npx jest --maxWorkers="${GUNICORN_DEPLOY_TEST_WORKERS:-3}" \
  --json --outputFile="$results" "$@"
rc=$?
set -e
# A closing line any CI reader understands, whatever jest printed above it.
# Tests skipped on purpose (GUNICORN_DEPLOY_TEST_OPT_OUT) are named: nothing is skipped silently.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === "pending").map((a) => a.fullName));
  if (skipped.length) console.log(`opted out (GUNICORN_DEPLOY_TEST_OPT_OUT=${process.env.GUNICORN_DEPLOY_TEST_OPT_OUT ?? ""}): ${skipped.length}\n  ${skipped.join("\n  ")}`);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' "$results" || true
checks_rc=0
wait "$checks_pid" || checks_rc=$?
echo "--- lint and the dist/ check (run beside the tests):"
cat "$checks"
[ "$checks_rc" -eq 0 ] || echo "lint or the dist/ check failed (exit $checks_rc): see above"
[ "$rc" -ne 0 ] && exit "$rc"
exit "$checks_rc"
