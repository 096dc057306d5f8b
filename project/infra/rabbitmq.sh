#!/usr/bin/env bash
# rabbitmq.sh stop|start|restart|status
#
# Controls the machine's RabbitMQ node (127.0.0.1:5672) and returns only when
# the change is complete: `stop` when the AMQP port is closed, `start` when the
# broker accepts AMQP connections. Used by outage tests.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOG="$(rabbitmq_log_dir)"

rabbitmq_start() {
  if amqp_up; then
    ok "rabbitmq already up ($AMQP_HOST:$AMQP_PORT)"
    return 0
  fi
  command -v rabbitmq-server >/dev/null || fail rabbitmq "rabbitmq-server is not installed" "$LOG"
  info "starting rabbitmq"
  # -detached returns at once; the node may still be booting, or may already
  # be booting from an earlier call, which is fine.
  rabbitmq-server -detached >/dev/null 2>&1 || true
  wait_until "$START_TIMEOUT" amqp_up ||
    fail rabbitmq "no AMQP answer on $AMQP_HOST:$AMQP_PORT after ${START_TIMEOUT}s" "$LOG"
  ok "rabbitmq up ($AMQP_HOST:$AMQP_PORT)"
}

rabbitmq_stop() {
  if amqp_down; then
    ok "rabbitmq already down"
    return 0
  fi
  info "stopping rabbitmq"
  # `shutdown` waits for the Erlang VM to exit (unlike `stop`); fall back to
  # `stop` for old versions. Either way, wait until the port is really closed.
  rabbitmqctl shutdown >/dev/null 2>&1 || rabbitmqctl stop >/dev/null 2>&1 || true
  if ! wait_until "$START_TIMEOUT" amqp_down; then
    printf 'infra: rabbitmq could not be stopped: port %s still open after %ss; see %s\n' \
      "$AMQP_PORT" "$START_TIMEOUT" "$LOG" >&2
    exit 1
  fi
  ok "rabbitmq down"
}

case "${1:-}" in
  start) rabbitmq_start ;;
  stop) rabbitmq_stop ;;
  restart) rabbitmq_stop; rabbitmq_start ;;
  status) if amqp_up; then say "up    rabbitmq"; else say "down  rabbitmq"; exit 1; fi ;;
  *) echo "usage: $0 stop|start|restart|status" >&2; exit 2 ;;
esac
