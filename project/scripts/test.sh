#!/usr/bin/env bash
# `make test`: the one test command. Installs what the tests need (npm packages from the
# lock file, the local infrastructure, Chromium, the Node runtimes), then lint, type-check,
# build, and every jest test against the real dependencies, once per Node major CI tests
# (project/infra/node.sh --tested: the machine's Node 20 and the LTS of .nvmrc), then the
# Docker image test (project/images/test.sh, as `make test-images`). The last line is
# `tests: N passed, N failed` summed over every major and the images (a failing lint,
# type-check or build counts as one failure each); the lines before it give each part's
# counts and its failed tests, labelled `[node 26]` or `[images]`.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
artifacts="$root/test-artifacts"
mkdir -p "$artifacts"
rm -f "$artifacts"/jest-*.json # a run that does not finish must not find an old result

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
bash project/scripts/npm-install.sh || { echo "npm ci failed"; finish 0 1; }

say "infrastructure"
bash project/infra/up.sh || { echo "the test infrastructure could not be started (see above)"; finish 0 1; }
bash project/infra/chromium.sh || { echo "Chromium could not be installed (see above)"; finish 0 1; }
set -a
# shellcheck disable=SC1091
. project/.state/infra.env
set +a

say "Node runtimes (the jest runs happen once per major)"
runtimes=$(bash project/infra/node.sh --tested) || { echo "a Node runtime could not be installed (see above)"; finish 0 1; }
while read -r major bin; do echo "node $major: $("$bin/node" --version) ($bin)"; done <<<"$runtimes"

check "lint (eslint + prettier)" npm run --silent lint
check "type-check (tsc, whole repository)" npm run --silent typecheck
check "build (every workspace)" npm run --silent build

results=()
mapfile -t runtime_lines <<<"$runtimes" # not a `while read` loop: the tests' processes inherit stdin
for line in "${runtime_lines[@]}"; do
  read -r major bin <<<"$line"
  version=$("$bin/node" --version)
  # `node` first on PATH too: jest's workers, tsx and the processes tests spawn all run on it.
  jest=(env PATH="$bin:$PATH" "$bin/node" node_modules/jest/bin/jest.js --ci --json)
  say "tests on Node $version"
  "${jest[@]}" --outputFile="$artifacts/jest-node$major-main.json" --maxWorkers=2 --testPathIgnorePatterns '\.(outage|e2e|docker)\.test\.ts$'
  say "whole-system and outage tests on Node $version (one at a time)"
  "${jest[@]}" --outputFile="$artifacts/jest-node$major-serial.json" --runInBand --testPathPatterns '\.(outage|e2e)\.test\.ts$'
  bash project/infra/up.sh >/dev/null || true # the outage tests restart RabbitMQ; leave it up
  results+=("node $major=$artifacts/jest-node$major-main.json" "node $major=$artifacts/jest-node$major-serial.json")
done

say "Docker images (make test-images: each image built as make up-build builds it, run and checked)"
IMAGES_JEST_OUTPUT="$artifacts/jest-images.json" bash project/images/test.sh
results+=("images=$artifacts/jest-images.json")

say "results by Node major, and of the images"
summary=$(node project/scripts/jest-summary.mjs "${results[@]}")
echo "$summary" | sed '$d'
counts=$(echo "$summary" | tail -n 1)
read -r passed failed <<<"$counts"
[[ "$passed" =~ ^[0-9]+$ && "$failed" =~ ^[0-9]+$ ]] || { echo "could not sum the jest results"; passed=0 failed=1; }
finish "$passed" $((failed + failed_checks))
