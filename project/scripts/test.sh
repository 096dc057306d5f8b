#!/usr/bin/env bash
# `make test`: the one test command. Installs what the tests need (npm packages from the
# lock file, the local infrastructure, Chromium), then lint, type-check, build, and every
# jest test against the real dependencies. The last line is `tests: N passed, N failed`
# (jest tests; a failing lint, type-check or build counts as one failure each).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
artifacts="$root/test-artifacts"
mkdir -p "$artifacts"

failed_checks=0
started=$(date +%s)
say() { printf '\n==> %s\n' "$*"; }
check() { # check NAME CMD...: runs a step, remembers a failure, goes on
  local name=$1; shift
  say "$name"
  if ! "$@"; then
    echo "FAILED: $name"
    failed_checks=$((failed_checks + 1))
  fi
}
finish() {
  local passed=$1 failed=$2
  echo
  echo "took $(( $(date +%s) - started )) s"
  echo "tests: ${passed} passed, ${failed} failed"
  [ "$failed" -eq 0 ]
  exit $?
}

say "npm packages"
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.lock-hash ] && [ "$(cat node_modules/.lock-hash)" = "$lock_hash" ]; then
  echo "node_modules matches package-lock.json; skipping npm ci"
else
  npm ci --no-audit --no-fund || { echo "npm ci failed"; finish 0 1; }
  echo "$lock_hash" > node_modules/.lock-hash
fi

say "infrastructure"
bash project/infra/up.sh || { echo "the test infrastructure could not be started (see above)"; finish 0 1; }
bash project/infra/chromium.sh || { echo "Chromium could not be installed (see above)"; finish 0 1; }
set -a
# shellcheck disable=SC1091
. project/.state/infra.env
set +a

check "lint (eslint + prettier)" npm run --silent lint
check "type-check (tsc, whole repository)" npm run --silent typecheck
check "build (every workspace)" npm run --silent build

say "tests"
jest=(node_modules/.bin/jest --ci --json)
"${jest[@]}" --outputFile="$artifacts/jest-main.json" --maxWorkers=2 --testPathIgnorePatterns '\.(outage|e2e)\.test\.ts$'
say "whole-system and outage tests (one at a time)"
"${jest[@]}" --outputFile="$artifacts/jest-serial.json" --runInBand --testPathPattern '\.(outage|e2e)\.test\.ts$'
bash project/infra/up.sh >/dev/null || true # leave the infrastructure up for the next run

counts=$(node -e '
  let passed = 0, failed = 0;
  for (const file of process.argv.slice(1)) {
    let r;
    try { r = require(file); } catch { failed += 1; continue; }
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(passed, failed);
' "$artifacts/jest-main.json" "$artifacts/jest-serial.json")
read -r passed failed <<<"$counts"
finish "$passed" $((failed + failed_checks))
