# shellcheck shell=bash
# Shared settings of the image scripts (engine.sh, base-image.sh, compose.sh, test.sh).
# Source it; it defines variables and functions only.
# shellcheck source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../infra/lib.sh"

IMAGES_DIR="$REPO_ROOT/project/images"

# The private engine: its own socket, data root, exec root and pid file under the cache, so it
# never touches another engine and its layer cache survives between runs and clones.
DOCKER_DIR="$CACHE_DIR/docker"
PRIVATE_DOCKER_SOCKET="$DOCKER_DIR/run/docker.sock"
PRIVATE_DOCKER_HOST="unix://$PRIVATE_DOCKER_SOCKET"
PRIVATE_DOCKER_PID="$DOCKER_DIR/run/dockerd.pid"
PRIVATE_DOCKER_LOG="$DOCKER_DIR/dockerd.log"

# Compose v2, built once from the Go module proxy (Debian packages only compose v1, which
# rejects the compose file's top-level `name:`), installed as a CLI plugin in a config
# directory of our own: DOCKER_CONFIG=$COMPOSE_CONFIG_DIR makes `docker compose` use it.
COMPOSE_MODULE="github.com/docker/compose/v2"
COMPOSE_VERSION="v2.40.3"
COMPOSE_BIN="$BIN_DIR/docker-compose-$COMPOSE_VERSION"
COMPOSE_CONFIG_DIR="$DOCKER_DIR/config"

# The base image every Dockerfile starts from, named by .nvmrc.
NODE_LTS_VERSION="$(tr -d ' v\r\n' <"$REPO_ROOT/.nvmrc")"
BASE_IMAGE="node:$NODE_LTS_VERSION-bookworm-slim"

images_fail() { # images_fail REASON: the one line a user needs, then exit non-zero.
  printf 'images: %s\n' "$1" >&2
  exit 1
}

# docker_answers [HOST]: true if an engine answers there (default: DOCKER_HOST or the default).
docker_answers() {
  if [[ -n "${1:-}" ]]; then
    DOCKER_HOST="$1" timeout 10 docker info >/dev/null 2>&1
  else
    timeout 10 docker info >/dev/null 2>&1
  fi
}
