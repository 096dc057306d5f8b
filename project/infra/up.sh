#!/usr/bin/env bash
# up.sh: make sure the local test/dev infrastructure is running.
#
#   postgres  127.0.0.1:5432   system service (pg_ctlcluster)
#   rabbitmq  127.0.0.1:5672   system service (rabbitmq-server -detached)
#   ferretdb  127.0.0.1:27017  MongoDB wire protocol on Postgres, started here
#   mailhog   127.0.0.1:1025 (SMTP), 127.0.0.1:8025 (API/UI), started here
#
# Idempotent: anything already answering is reused. Missing binaries are built
# once with Go into $TS_MS_CACHE/bin. Writes the test environment to
# $TS_MS_STATE/infra.env and prints it.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$STATE_DIR" "$BIN_DIR"

# Serialise concurrent runs (make dev and a test run starting together).
# Every daemon is started with `9>&-` so it does not inherit (and hold) the lock.
if command -v flock >/dev/null; then
  exec 9>"$STATE_DIR/.up.lock"
  flock -w 600 9 || fail infra "another up.sh still holds $STATE_DIR/.up.lock after 600s" "$STATE_DIR"
fi

# ---- building binaries ------------------------------------------------------

# go_build NAME LOG DIR ARGS...: run `go build ARGS` in DIR, logging to LOG.
go_build() {
  local name="$1" log="$2" dir="$3"; shift 3
  ensure_go || fail "$name" "no Go toolchain found (needed once to build the binary)" "$log"
  (cd "$dir" && GOFLAGS=-buildvcs=false go build "$@") >>"$log" 2>&1 ||
    fail "$name" "go build failed: $(last_log_line "$log")" "$log"
}

build_ferretdb() {
  local log="$STATE_DIR/ferretdb-build.log" src work
  : >"$log"
  info "building ferretdb $FERRETDB_VERSION into $BIN_DIR (once, takes a few minutes)"
  ensure_go || fail ferretdb "no Go toolchain found (needed once to build the binary)" "$log"
  # `go install ...@version` is not usable here (the proxy refuses the
  # deprecation lookup), so fetch the module source and build it in place.
  src="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>>"$log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || true
  [[ -n "$src" && -d "$src" ]] ||
    fail ferretdb "go mod download of FerretDB $FERRETDB_VERSION failed" "$log"
  # The module cache is read-only and lacks the generated version file that
  # FerretDB's release tooling normally writes, without which it panics.
  work="$CACHE_DIR/build/ferretdb-$FERRETDB_VERSION.$$"
  rm -rf "$work"
  mkdir -p "$(dirname "$work")"
  cp -R "$src" "$work"
  chmod -R u+w "$work"
  echo "$FERRETDB_VERSION" >"$work/build/version/version.txt"
  go_build ferretdb "$log" "$work" -o "$FERRETDB_BIN.tmp.$$" ./cmd/ferretdb
  mv -f "$FERRETDB_BIN.tmp.$$" "$FERRETDB_BIN"   # atomic: no half-built binary
  rm -rf "$work"
}

build_mailhog() {
  local log="$STATE_DIR/mailhog-build.log"
  : >"$log"
  info "building MailHog $MAILHOG_VERSION into $BIN_DIR (once, takes a minute)"
  # mailhog/go.mod pins MailHog and the pseudo-versions of its untagged deps.
  go_build mailhog "$log" "$INFRA_DIR/mailhog" -o "$MAILHOG_BIN.tmp.$$" github.com/mailhog/MailHog
  mv -f "$MAILHOG_BIN.tmp.$$" "$MAILHOG_BIN"
}

# ---- starting our own daemons -----------------------------------------------

# start_daemon NAME PIDFILE LOG EXE_GLOB READY_CMD -- CMD...: start CMD
# detached (it outlives this shell), record its pid, wait until READY_CMD works.
start_daemon() {
  local name="$1" pidfile="$2" log="$3" glob="$4" ready="$5"; shift 6
  local pid deadline=$((SECONDS + START_TIMEOUT))
  # A process of ours that is alive but not answering is stuck: replace it.
  pid_alive "$pidfile" "$glob" && stop_pidfile "$pidfile" "$glob"
  printf '\n--- %s starting: %s\n' "$(date -Is)" "$*" >>"$log"
  setsid nohup "$@" >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pidfile"
  until $ready; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      fail "$name" "process exited: $(last_log_line "$log")" "$log"
    fi
    ((SECONDS < deadline)) || fail "$name" "not answering after ${START_TIMEOUT}s" "$log"
    sleep 0.2
  done
}

# ---- the four dependencies --------------------------------------------------

up_postgres() {
  local log; log="$(pg_log_file)"
  if port_open "$PG_HOST" "$PG_PORT"; then
    ok "postgres already up ($PG_HOST:$PG_PORT)"
  else
    command -v pg_ctlcluster >/dev/null || fail postgres "pg_ctlcluster not found (is PostgreSQL installed?)" "$log"
    [[ -n "$(pg_version)" ]] || fail postgres "no cluster in /etc/postgresql" "$log"
    info "starting postgres $(pg_version)"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main start >/dev/null 2>&1 9>&- || true
    wait_until "$START_TIMEOUT" port_open "$PG_HOST" "$PG_PORT" ||
      fail postgres "not answering on $PG_HOST:$PG_PORT after ${START_TIMEOUT}s" "$log"
    ok "postgres up ($PG_HOST:$PG_PORT)"
  fi
  # The port opens slightly before connections are accepted.
  wait_until "$START_TIMEOUT" psql_q "select 1" >/dev/null 2>&1 ||
    fail postgres "not accepting connections as user postgres" "$log"
  # `users`: authentication-service dev database; `ferretdb`: FerretDB's storage.
  ensure_database users || fail postgres "could not create database users" "$log"
  ensure_database ferretdb || fail postgres "could not create database ferretdb" "$log"
}

# Tests publish to their own virtual host, so that a durable queue of a `make dev`
# listener on the default vhost never collects test events (and the reverse).
TEST_VHOST=ts-microservices-test

up_rabbitmq() {
  "$INFRA_DIR/rabbitmq.sh" start 9>&-
  if ! rabbitmqctl -q list_vhosts 2>/dev/null | grep -qx "$TEST_VHOST"; then
    rabbitmqctl -q add_vhost "$TEST_VHOST" >/dev/null 2>&1 ||
      fail rabbitmq "could not create the test virtual host $TEST_VHOST" "$STATE_DIR/rabbitmq.log"
    rabbitmqctl -q set_permissions -p "$TEST_VHOST" guest '.*' '.*' '.*' >/dev/null 2>&1 ||
      fail rabbitmq "could not grant guest access to $TEST_VHOST" "$STATE_DIR/rabbitmq.log"
    ok "rabbitmq test virtual host $TEST_VHOST created"
  fi
}

# up_daemon NAME WHERE BIN BUILD_CMD EXE_GLOB READY_CMD -- CMD...: reuse NAME
# if READY_CMD already works; otherwise build BIN once (BUILD_CMD) if missing and
# start CMD with start_daemon (pid and log under $STATE_DIR). WHERE is for messages.
up_daemon() {
  local name="$1" where="$2" bin="$3" build="$4" glob="$5" ready="$6"; shift 6
  if $ready; then
    ok "$name already up ($where)"
    return 0
  fi
  [[ -x "$bin" ]] || $build
  info "starting $name"
  start_daemon "$name" "$STATE_DIR/$name.pid" "$STATE_DIR/$name.log" "$glob" "$ready" "$@"
  ok "$name up ($where)"
}

up_ferretdb() {
  mkdir -p "$STATE_DIR/ferretdb"
  # --debug-addr=- : no metrics/pprof HTTP listener (default 127.0.0.1:8088
  # would collide with a second instance).
  up_daemon ferretdb "$MONGO_HOST:$MONGO_PORT" \
    "$FERRETDB_BIN" build_ferretdb "$FERRETDB_EXE_GLOB" ferretdb_ready -- \
    "$FERRETDB_BIN" \
    --handler=postgresql \
    --postgresql-url="postgres://postgres@$PG_HOST:$PG_PORT/ferretdb" \
    --listen-addr="$MONGO_HOST:$MONGO_PORT" \
    --state-dir="$STATE_DIR/ferretdb" \
    --debug-addr=- \
    --telemetry=disable \
    --log-level=warn
}

up_mailhog() {
  up_daemon mailhog "$SMTP_HOST:$SMTP_PORT, http://$SMTP_HOST:$MAILHOG_HTTP_PORT" \
    "$MAILHOG_BIN" build_mailhog "$MAILHOG_EXE_GLOB" mailhog_ready -- \
    "$MAILHOG_BIN" \
    -smtp-bind-addr "$SMTP_HOST:$SMTP_PORT" \
    -api-bind-addr "$SMTP_HOST:$MAILHOG_HTTP_PORT" \
    -ui-bind-addr "$SMTP_HOST:$MAILHOG_HTTP_PORT"
}

# ---- main -------------------------------------------------------------------

up_postgres
up_rabbitmq
up_ferretdb
up_mailhog

# Binaries are reported even when the running instances were started some
# other way, because tests spawn extra instances from them; build if missing.
[[ -x "$FERRETDB_BIN" ]] || build_ferretdb
[[ -x "$MAILHOG_BIN" ]] || build_mailhog

env_file="$STATE_DIR/infra.env"
cat >"$env_file.tmp.$$" <<EOF
POSTGRES_URL=postgres://postgres@$PG_HOST:$PG_PORT/postgres
AMQP_URL=amqp://guest:guest@$AMQP_HOST:$AMQP_PORT/$TEST_VHOST
MONGO_URL=mongodb://$MONGO_HOST:$MONGO_PORT
MAIL_HOST=$SMTP_HOST
MAIL_PORT=$SMTP_PORT
MAILHOG_API_URL=http://$SMTP_HOST:$MAILHOG_HTTP_PORT
FERRETDB_BIN=$FERRETDB_BIN
MAILHOG_BIN=$MAILHOG_BIN
FERRETDB_POSTGRESQL_URL=postgres://postgres@$PG_HOST:$PG_PORT/ferretdb
EOF
mv -f "$env_file.tmp.$$" "$env_file"

say ""
say "infra env ($env_file):"
sed 's/^/  /' "$env_file"
