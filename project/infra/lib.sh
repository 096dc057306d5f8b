# shellcheck shell=bash
# Shared helpers for the local infrastructure scripts (up.sh, down.sh,
# status.sh, rabbitmq.sh). Source it; it defines variables and functions only.

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/../.." && pwd)"

# Built binaries live outside the repo, so every clone reuses them.
CACHE_DIR="${TS_MS_CACHE:-$HOME/.cache/ts-microservices}"
# Pid files, logs and infra.env live in the (gitignored) state dir.
STATE_DIR="${TS_MS_STATE:-$REPO_ROOT/project/.state}"
# Absolute paths: they end up in infra.env and are compared with /proc/*/exe.
[[ "$CACHE_DIR" == /* ]] || CACHE_DIR="$PWD/$CACHE_DIR"
[[ "$STATE_DIR" == /* ]] || STATE_DIR="$PWD/$STATE_DIR"
BIN_DIR="$CACHE_DIR/bin"

FERRETDB_VERSION="v1.24.2"
MAILHOG_VERSION="v1.0.1"   # pinned in mailhog/go.mod
FERRETDB_BIN="$BIN_DIR/ferretdb-$FERRETDB_VERSION"
MAILHOG_BIN="$BIN_DIR/MailHog-$MAILHOG_VERSION"

PG_HOST=127.0.0.1 PG_PORT=5432
AMQP_HOST=127.0.0.1 AMQP_PORT=5672
MONGO_HOST=127.0.0.1 MONGO_PORT=27017
SMTP_HOST=127.0.0.1 SMTP_PORT=1025
MAILHOG_HTTP_PORT=8025

FERRETDB_EXE_GLOB="*/ferretdb-*"
MAILHOG_EXE_GLOB="*/MailHog-*"

START_TIMEOUT="${INFRA_START_TIMEOUT:-60}"   # seconds to wait for a service

# ---- output -----------------------------------------------------------------

say()  { printf '%s\n' "$*"; }
ok()   { printf 'ok  %s\n' "$*"; }
info() { printf '..  %s\n' "$*"; }
# fail NAME REASON LOGFILE: the one line a user needs, then exit non-zero.
fail() {
  printf 'infra: %s could not be started: %s; see %s\n' "$1" "$2" "$3" >&2
  exit 1
}

# ---- ports ------------------------------------------------------------------

# port_open HOST PORT: true if something accepts TCP connections there.
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# amqp_ready HOST PORT: true if the broker answers an AMQP 0-9-1 protocol
# header with a Connection.Start frame (type 1, channel 0, class 10, method 10),
# i.e. it really accepts AMQP clients, not just TCP.
amqp_ready() {
  local reply
  reply="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
      printf "AMQP\x00\x00\x09\x01" >&3; head -c 11 <&3' _ "$1" "$2" 2>/dev/null |
    od -An -tx1 | tr -d ' \n')" || true
  [[ "$reply" == 010000????????000a000a ]]
}

# wait_until SECONDS CMD...: poll CMD every 0.2 s until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

port_closed() { ! port_open "$1" "$2"; }
amqp_down()   { port_closed "$AMQP_HOST" "$AMQP_PORT"; }
amqp_up()     { amqp_ready "$AMQP_HOST" "$AMQP_PORT"; }
ferretdb_ready() { port_open "$MONGO_HOST" "$MONGO_PORT"; }
mailhog_ready()  { port_open "$SMTP_HOST" "$SMTP_PORT" && port_open "$SMTP_HOST" "$MAILHOG_HTTP_PORT"; }

# ---- processes started by up.sh ---------------------------------------------

# pid_alive PIDFILE EXE_GLOB: true if PIDFILE names a live process whose
# executable matches EXE_GLOB (guards against an unrelated process that reused
# the pid). A glob, so a process from an older binary version still matches.
pid_alive() {
  local pid exe
  [[ -s "$1" ]] || return 1
  pid="$(<"$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  # shellcheck disable=SC2053
  [[ "$exe" == $2 ]]
}

# last_log_line FILE: the last non-empty line of a log, for error messages.
last_log_line() {
  [[ -f "$1" ]] || return 0
  grep -v '^[[:space:]]*$' "$1" | tail -n 1 | cut -c1-300
}

# ---- tool lookup ------------------------------------------------------------

# ensure_go: put a Go toolchain on PATH (needed only to build binaries).
ensure_go() {
  command -v go >/dev/null 2>&1 && return 0
  [[ -x /usr/local/go/bin/go ]] && PATH="/usr/local/go/bin:$PATH" && return 0
  return 1
}

psql_q() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAqc "$1"; }

# ensure_database NAME: create a Postgres database if it does not exist.
ensure_database() {
  [[ "$(psql_q "select 1 from pg_database where datname = '$1'")" == 1 ]] ||
    createdb -h "$PG_HOST" -p "$PG_PORT" -U postgres "$1"
}

pg_log_file() {
  local v; v="$(pg_version)"
  echo "/var/log/postgresql/postgresql-${v:-?}-main.log"
}
# Highest installed PostgreSQL cluster version (e.g. 15).
pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

rabbitmq_log_dir() { echo /var/log/rabbitmq; }

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_pidfile PIDFILE EXE_GLOB: stop the process named by PIDFILE if it is
# ours (TERM, then KILL after 10 s), and remove the pid file.
stop_pidfile() {
  local pid
  if pid_alive "$1" "$2"; then
    pid="$(<"$1")"
    kill "$pid" 2>/dev/null || true
    wait_until 10 pid_gone "$pid" || kill -9 "$pid" 2>/dev/null || true
    wait_until 5 pid_gone "$pid" || true
  fi
  rm -f "$1"
}

# ---- Jaeger (optional: project/infra/jaeger.sh, `make jaeger`) -----------------
JAEGER_VERSION="v1.76.0"   # the Go module's version of Jaeger v2; pinned in jaeger/go.mod
JAEGER_BIN="$BIN_DIR/jaeger-$JAEGER_VERSION"
JAEGER_EXE_GLOB="*/jaeger-v*"
JAEGER_UI_PORT=16686 JAEGER_OTLP_GRPC_PORT=4317 JAEGER_OTLP_HTTP_PORT=4318
JAEGER_QUERY_GRPC_PORT=16685 JAEGER_HEALTH_PORT=13133
jaeger_ready() { port_open 127.0.0.1 "$JAEGER_OTLP_HTTP_PORT" && port_open 127.0.0.1 "$JAEGER_UI_PORT"; }
