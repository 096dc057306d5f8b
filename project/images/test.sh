#!/usr/bin/env bash
# `make test-images`: every service image built from its Dockerfile as `make up-build` builds
# it, run against the local infrastructure and checked (project/test/images.docker.test.ts).
#
# Installs what is missing first (idempotent, cached under ~/.cache/ts-microservices): the npm
# packages, the local infrastructure, a Docker engine (a private one unless one answers),
# Compose v2 (built once from the Go module proxy) and the base image (a stand-in where it
# cannot be pulled). Prints the image sizes; the last line is `images: N passed, N failed`.
#
#   IMAGES_JEST_OUTPUT=FILE  also keep jest's JSON result there (project/scripts/test.sh
#                            adds it to the totals of `make test`)
set -uo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source project/images/lib.sh

started=$(date +%s)
artifacts="$REPO_ROOT/test-artifacts"
result="${IMAGES_JEST_OUTPUT:-$artifacts/jest-images.json}"
mkdir -p "$artifacts"
rm -f "$result"

say_step() { printf '\n==> %s\n' "$*"; }
finish() { # finish PASSED FAILED
  echo
  echo "took $(($(date +%s) - started)) s"
  echo "images: $1 passed, $2 failed"
  [ "$2" -eq 0 ]
  exit $?
}
setup_failed() { echo "$1"; finish 0 1; }

say_step "npm packages"
bash project/scripts/npm-install.sh || setup_failed "npm ci failed (see above)"

say_step "infrastructure"
bash project/infra/up.sh >/dev/null || setup_failed "the test infrastructure could not be started (run make infra to see why)"
set -a
# shellcheck disable=SC1091
. project/.state/infra.env
set +a

say_step "Docker engine, Compose v2 and the base image"
DOCKER_HOST="$(bash project/images/engine.sh start)" || setup_failed "no Docker engine (see above)"
export DOCKER_HOST
DOCKER_CONFIG="$(bash project/images/compose.sh)" || setup_failed "Compose v2 could not be installed (see above)"
export DOCKER_CONFIG
bash project/images/base-image.sh || setup_failed "the base image $BASE_IMAGE could not be made (see above)"
echo "engine $DOCKER_HOST; $(docker compose version)"

say_step "build, run and check every image"
node node_modules/jest/bin/jest.js --ci --runInBand --json --outputFile="$result" \
  --selectProjects project --testPathIgnorePatterns '/node_modules/' \
  --testPathPatterns 'project/test/images\.docker\.test\.ts$'

say_step "image sizes"
for dockerfile in */Dockerfile; do
  image="ts-microservices/$(dirname "$dockerfile"):dev"
  size="$(docker image inspect --format '{{.Size}}' "$image" 2>/dev/null)" || { echo "$image: not built"; continue; }
  printf '%-46s %4d MB\n' "$image" $((size / 1000 / 1000))
done

summary=$(node project/scripts/jest-summary.mjs "jest=$result")
echo "$summary" | sed '$d'
read -r passed failed <<<"$(echo "$summary" | tail -n 1)"
[[ "$passed" =~ ^[0-9]+$ && "$failed" =~ ^[0-9]+$ ]] || { echo "could not read the jest result"; passed=0 failed=1; }
finish "$passed" "$failed"
