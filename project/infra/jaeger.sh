#!/usr/bin/env bash
# jaeger.sh build|start|start-if-built|stop: a local Jaeger v2 that receives the services'
# traces in `make dev` (README "Observe it"): OTLP on 127.0.0.1:4317 (gRPC) and :4318
# (HTTP, what the services use), query API (and UI) on :16686, traces kept in memory.
#
# The binary is built once with Go through the module proxy into $TS_MS_CACHE/bin (about
# 20 minutes on two cores, so `make infra` never does it; `make jaeger` does). Built from
# the Go module, it has no UI assets: :16686 serves Jaeger's placeholder page, while its
# API (/api/services, /api/traces/<id>) works; Grafana's Jaeger data source reads that API.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$STATE_DIR" "$BIN_DIR"

build() {
  local log="$STATE_DIR/jaeger-build.log"
  : >"$log"
  info "building jaeger $JAEGER_VERSION into $BIN_DIR (once, takes about 20 minutes)"
  ensure_go || fail jaeger "no Go toolchain found (needed once to build the binary)" "$log"
  (cd "$INFRA_DIR/jaeger" && GOFLAGS=-buildvcs=false go build -o "$JAEGER_BIN.tmp.$$" \
    github.com/jaegertracing/jaeger/cmd/jaeger) >>"$log" 2>&1 ||
    fail jaeger "go build failed: $(last_log_line "$log")" "$log"
  mv -f "$JAEGER_BIN.tmp.$$" "$JAEGER_BIN"
  ok "jaeger built: $JAEGER_BIN"
}

start() {
  local log="$STATE_DIR/jaeger.log" pidfile="$STATE_DIR/jaeger.pid" pid deadline
  if jaeger_ready; then
    ok "jaeger already up (UI/API http://127.0.0.1:$JAEGER_UI_PORT, OTLP :$JAEGER_OTLP_HTTP_PORT)"
    return 0
  fi
  [[ -x "$JAEGER_BIN" ]] || build
  pid_alive "$pidfile" "$JAEGER_EXE_GLOB" && stop_pidfile "$pidfile" "$JAEGER_EXE_GLOB"
  printf '\n--- %s starting jaeger\n' "$(date -Is)" >>"$log"
  JAEGER_UI_PORT=$JAEGER_UI_PORT JAEGER_OTLP_GRPC_PORT=$JAEGER_OTLP_GRPC_PORT \
    JAEGER_OTLP_HTTP_PORT=$JAEGER_OTLP_HTTP_PORT JAEGER_QUERY_GRPC_PORT=$JAEGER_QUERY_GRPC_PORT \
    JAEGER_HEALTH_PORT=$JAEGER_HEALTH_PORT OTEL_TRACES_EXPORTER=none \
    setsid nohup "$JAEGER_BIN" --config "file:$INFRA_DIR/jaeger/config.yaml" \
    >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pidfile"
  deadline=$((SECONDS + START_TIMEOUT))
  until jaeger_ready; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; fail jaeger "process exited: $(last_log_line "$log")" "$log"; }
    ((SECONDS < deadline)) || fail jaeger "not answering after ${START_TIMEOUT}s" "$log"
    sleep 0.2
  done
  ok "jaeger up (UI/API http://127.0.0.1:$JAEGER_UI_PORT, OTLP :$JAEGER_OTLP_GRPC_PORT/:$JAEGER_OTLP_HTTP_PORT)"
}

case "${1:-}" in
  build) [[ -x "$JAEGER_BIN" ]] && ok "jaeger already built: $JAEGER_BIN" || build ;;
  start) start ;;
  # `make dev`: a receiver only if one was built before (never a 20-minute build)
  start-if-built)
    if [[ -x "$JAEGER_BIN" ]] || jaeger_ready; then start
    else info "no local Jaeger built (make jaeger builds one): traces are not exported"; fi ;;
  stop)
    if pid_alive "$STATE_DIR/jaeger.pid" "$JAEGER_EXE_GLOB"; then
      stop_pidfile "$STATE_DIR/jaeger.pid" "$JAEGER_EXE_GLOB"; ok "jaeger stopped"
    else rm -f "$STATE_DIR/jaeger.pid"; ok "jaeger not running (no live pid file)"; fi ;;
  *) echo "usage: $0 build|start|start-if-built|stop" >&2; exit 2 ;;
esac
