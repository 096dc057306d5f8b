#!/usr/bin/env bash
# down.sh [--all]: stop the FerretDB and MailHog processes that up.sh started (and the
# Jaeger that jaeger.sh started)
# (found by pid file only; instances started some other way are left alone).
# With --all, also stop the system services RabbitMQ and PostgreSQL.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

all=false
case "${1:-}" in
  "") ;;
  --all) all=true ;;
  *) echo "usage: $0 [--all]" >&2; exit 2 ;;
esac

# down_daemon NAME EXE_GLOB
down_daemon() {
  local pidfile="$STATE_DIR/$1.pid"
  if pid_alive "$pidfile" "$2"; then
    stop_pidfile "$pidfile" "$2"
    ok "$1 stopped"
  else
    rm -f "$pidfile"
    ok "$1 not running (no live pid file)"
  fi
}

down_daemon mailhog "$MAILHOG_EXE_GLOB"
down_daemon ferretdb "$FERRETDB_EXE_GLOB"
down_daemon jaeger "$JAEGER_EXE_GLOB"

if $all; then
  "$INFRA_DIR/rabbitmq.sh" stop
  if port_open "$PG_HOST" "$PG_PORT"; then
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main stop
    ok "postgres stopped"
  else
    ok "postgres already down"
  fi
fi
