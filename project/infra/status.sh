#!/usr/bin/env bash
# status.sh: one line per dependency, up or down. Exit status 1 if any is down.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

down=0
# line NAME ADDR CHECK...: print "up"/"down" for one dependency.
line() {
  local name="$1" addr="$2"; shift 2
  if "$@"; then
    printf 'up    %-9s %s\n' "$name" "$addr"
  else
    printf 'down  %-9s %s\n' "$name" "$addr"
    down=1
  fi
}

line postgres "$PG_HOST:$PG_PORT" port_open "$PG_HOST" "$PG_PORT"
line rabbitmq "$AMQP_HOST:$AMQP_PORT" amqp_up
line ferretdb "$MONGO_HOST:$MONGO_PORT" ferretdb_ready
line mailhog "$SMTP_HOST:$SMTP_PORT http://$SMTP_HOST:$MAILHOG_HTTP_PORT" mailhog_ready
exit "$down"
