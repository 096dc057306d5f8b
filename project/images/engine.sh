#!/usr/bin/env bash
# engine.sh [start|stop|status]: a Docker engine for the image tests.
#
#   start   print the DOCKER_HOST to use: the one already set, or the machine's engine if one
#           answers, otherwise a private engine started here (installing Debian's docker.io
#           first if dockerd is missing; that needs root)
#   stop    stop the private engine, if it runs
#   status  say whether the private engine runs
#
# The private engine has its own socket, data root, exec root and pid file under the cache,
# and no bridge network and no iptables changes (--bridge=none): builds and containers use
# --network host, so they reach the host's loopback and the package registries, nothing else.
# Progress goes to stderr, the DOCKER_HOST to stdout: export DOCKER_HOST="$(engine.sh start)"
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOCKERD_EXE_GLOB="*/dockerd"

install_docker() {
  command -v dockerd >/dev/null && command -v docker >/dev/null && return 0
  [[ "$(id -u)" == 0 ]] ||
    images_fail "dockerd is not installed and installing it needs root: apt-get install docker.io, then run this again"
  command -v apt-get >/dev/null ||
    images_fail "dockerd is not installed and this is not a Debian-like system; install a Docker engine"
  info "installing Debian's docker.io (dockerd, containerd, runc)" >&2
  mkdir -p "$DOCKER_DIR"
  # The package's own service start is refused where there is no init system; we start our own.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io \
    >"$DOCKER_DIR/apt.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update >>"$DOCKER_DIR/apt.log" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io \
      >>"$DOCKER_DIR/apt.log" 2>&1 ||
      images_fail "apt-get install docker.io failed: $(last_log_line "$DOCKER_DIR/apt.log"); see $DOCKER_DIR/apt.log"
  fi
  command -v dockerd >/dev/null || images_fail "docker.io installed no dockerd; see $DOCKER_DIR/apt.log"
}

private_running() { pid_alive "$PRIVATE_DOCKER_PID" "$DOCKERD_EXE_GLOB"; }

start_private() {
  if private_running && docker_answers "$PRIVATE_DOCKER_HOST"; then
    echo "$PRIVATE_DOCKER_HOST"
    return 0
  fi
  install_docker
  mkdir -p "$DOCKER_DIR/run" "$DOCKER_DIR/data" "$DOCKER_DIR/exec"
  rm -f "$PRIVATE_DOCKER_SOCKET"
  info "starting a private Docker engine on $PRIVATE_DOCKER_SOCKET" >&2
  # setsid: the engine outlives this script and is not in the caller's process group.
  setsid dockerd \
    --host "$PRIVATE_DOCKER_HOST" \
    --data-root "$DOCKER_DIR/data" \
    --exec-root "$DOCKER_DIR/exec" \
    --pidfile "$PRIVATE_DOCKER_PID" \
    --bridge=none --iptables=false --ip6tables=false --ip-masq=false --userland-proxy=false \
    >>"$PRIVATE_DOCKER_LOG" 2>&1 </dev/null &
  wait_until "$START_TIMEOUT" docker_answers "$PRIVATE_DOCKER_HOST" ||
    images_fail "the private Docker engine did not answer after ${START_TIMEOUT}s: $(last_log_line "$PRIVATE_DOCKER_LOG"); see $PRIVATE_DOCKER_LOG"
  ok "private Docker engine up ($PRIVATE_DOCKER_SOCKET)" >&2
  echo "$PRIVATE_DOCKER_HOST"
}

start() {
  if [[ -n "${DOCKER_HOST:-}" ]]; then
    docker_answers || images_fail "DOCKER_HOST=$DOCKER_HOST is set but no engine answers there"
    echo "$DOCKER_HOST"
  elif private_running && docker_answers "$PRIVATE_DOCKER_HOST"; then
    echo "$PRIVATE_DOCKER_HOST"
  elif command -v docker >/dev/null && docker_answers; then
    echo "unix:///var/run/docker.sock"
  else
    start_private
  fi
}

stop() {
  if ! private_running; then
    ok "private Docker engine not running"
    return 0
  fi
  info "stopping the private Docker engine"
  stop_pidfile "$PRIVATE_DOCKER_PID" "$DOCKERD_EXE_GLOB"
  ok "private Docker engine stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if private_running; then say "up    private Docker engine ($PRIVATE_DOCKER_SOCKET)"; else say "down  private Docker engine"; exit 1; fi ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
