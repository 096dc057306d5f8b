#!/usr/bin/env bash
# compose.sh: Docker Compose v2 as a CLI plugin, built once from the Go module proxy.
# Prints the config directory to use: export DOCKER_CONFIG="$(compose.sh)"; docker compose ...
# The binary is cached next to the FerretDB and MailHog builds (about 2 to 8 minutes to build
# on two busy cores, once per machine); the config directory holds only the plugin link.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COMPOSE_LOG="$BIN_DIR/docker-compose.log"

if [[ ! -x "$COMPOSE_BIN" ]]; then
  ensure_go || images_fail "Go is needed once to build Compose $COMPOSE_VERSION (the Go toolchain, from /usr/local/go or your package manager)"
  mkdir -p "$BIN_DIR"
  exec 8>"$BIN_DIR/.compose.lock"
  flock -w 900 8 || images_fail "another compose.sh still holds $BIN_DIR/.compose.lock"
  if [[ ! -x "$COMPOSE_BIN" ]]; then
    info "building Docker Compose $COMPOSE_VERSION from the Go module proxy into $BIN_DIR (once, takes minutes)" >&2
    printf '\n--- %s %s@%s\n' "$(date -Is)" "$COMPOSE_MODULE" "$COMPOSE_VERSION" >>"$COMPOSE_LOG"
    source_dir="$(GOFLAGS=-mod=mod go mod download -json "$COMPOSE_MODULE@$COMPOSE_VERSION" 2>>"$COMPOSE_LOG" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -d "$source_dir" ]] || images_fail "go mod download $COMPOSE_MODULE@$COMPOSE_VERSION failed; see $COMPOSE_LOG"
    (cd "$source_dir" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $COMPOSE_MODULE/internal.Version=$COMPOSE_VERSION" \
      -o "$COMPOSE_BIN.tmp" ./cmd) >>"$COMPOSE_LOG" 2>&1 ||
      images_fail "building Compose $COMPOSE_VERSION failed: $(last_log_line "$COMPOSE_LOG"); see $COMPOSE_LOG"
    mv -f "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
    ok "Docker Compose $COMPOSE_VERSION built ($COMPOSE_BIN)" >&2
  fi
fi

mkdir -p "$COMPOSE_CONFIG_DIR/cli-plugins"
ln -sfn "$COMPOSE_BIN" "$COMPOSE_CONFIG_DIR/cli-plugins/docker-compose"
DOCKER_CONFIG="$COMPOSE_CONFIG_DIR" docker compose version >/dev/null 2>&1 ||
  images_fail "docker compose does not run with the plugin $COMPOSE_BIN"
echo "$COMPOSE_CONFIG_DIR"
