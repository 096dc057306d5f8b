# The user's entry points. `make` lists the targets.
SHELL := /bin/bash
COMPOSE := docker compose -f project/docker-compose.yml
FRONT_END_PID := .front-end.pid
STATE := project/.state

.DEFAULT_GOAL := help
.PHONY: help infra infra-down dev jaeger test test-images build lint typecheck bench bench-prepare bench-tracing up up-build up-observability down logs start stop clean \
	broker auth logger mail listener require-docker k8s-render k8s-up k8s-down require-kubectl

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# --- without Docker -------------------------------------------------------------------
infra: ## start local Postgres, RabbitMQ, FerretDB (MongoDB) and MailHog (no Docker)
	@bash project/infra/up.sh

infra-down: ## stop the local FerretDB, MailHog (and Jaeger) started by `make infra` (`make jaeger`)
	@bash project/infra/down.sh

dev: infra ## run every service and the page as local processes (Ctrl-C stops all)
	@test -d node_modules || npm ci --no-audit --no-fund
	@bash project/infra/jaeger.sh start-if-built
	@node project/dev/run-all.mjs

jaeger: ## build (once, ~20 min) and start a local Jaeger: OTLP :4317/:4318, API :16686; make dev exports to it
	@bash project/infra/jaeger.sh start

test: ## the one test command: install, infra, lint, type-check, build, all tests on Node 20 and 26
	@bash project/scripts/test.sh

build: ## compile every workspace to dist/
	@npm run build

lint: ## eslint + prettier check
	@npm run lint

typecheck: ## tsc over the whole repository
	@npm run typecheck

test-images: ## build every service image as up-build does, run each against local infra, check it
	@bash project/images/test.sh

# The bench runs on the Node the images ship (.nvmrc), installed by node.sh if missing;
# `make bench BENCH_NODE_BIN=/usr/bin` measures another one.
BENCH_NODE_BIN ?= $(shell bash project/infra/node.sh)
BENCH_TSX = set -a; . $(STATE)/infra.env; set +a; PATH="$(BENCH_NODE_BIN):$$PATH" node_modules/.bin/tsx

bench-prepare:
	@test -x "$(BENCH_NODE_BIN)/node" || { echo "no node in BENCH_NODE_BIN='$(BENCH_NODE_BIN)'" >&2; exit 1; }
	@test -d node_modules || npm ci --no-audit --no-fund
	@bash project/infra/up.sh
	@npm run --silent build

bench: bench-prepare ## build, start the stack on its own ports and measure every path against its reference (BENCHMARKS.md)
	@$(BENCH_TSX) project/bench/main.ts

bench-tracing: bench-prepare ## the log paths with tracing off, on and exporting, in alternation (BENCHMARKS.md "Tracing cost")
	@$(BENCH_TSX) project/bench/tracing-cost.ts

# --- with Docker ----------------------------------------------------------------------
require-docker:
	@docker info >/dev/null 2>&1 || { echo "Docker is not available (no engine running). Use 'make dev' to run without Docker."; exit 1; }

up: require-docker ## start the compose stack from existing images
	$(COMPOSE) up -d

up-build: require-docker ## build the images and start the compose stack
	$(COMPOSE) up -d --build

up-observability: require-docker ## up-build plus Jaeger :16686, Prometheus :9090, Grafana :3000; services export traces
	OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318 $(COMPOSE) --profile observability up -d --build

down: require-docker ## stop the compose stack (the observability profile's containers too)
	$(COMPOSE) --profile observability down

logs: require-docker ## follow the compose services' logs
	$(COMPOSE) logs -f --tail=100

broker: require-docker ## rebuild and restart broker-service
	$(COMPOSE) up -d --build --no-deps broker-service

auth: require-docker ## rebuild and restart authentication-service
	$(COMPOSE) up -d --build --no-deps authentication-service

logger: require-docker ## rebuild and restart logger-service
	$(COMPOSE) up -d --build --no-deps logger-service

mail: require-docker ## rebuild and restart mail-service
	$(COMPOSE) up -d --build --no-deps mail-service

listener: require-docker ## rebuild and restart listener-service
	$(COMPOSE) up -d --build --no-deps listener-service

# --- the test page on the host (as in the original) -------------------------------------
start: ## build and start the front-end on :8000 in the background (pid in .front-end.pid)
	@if [ -f $(FRONT_END_PID) ] && kill -0 $$(cat $(FRONT_END_PID)) 2>/dev/null; then \
		echo "front-end already running (pid $$(cat $(FRONT_END_PID))) on http://localhost:8000"; exit 0; fi
	@test -d node_modules || npm ci --no-audit --no-fund
	@npm run --silent build -w packages/service-kit -w front-end
	@mkdir -p $(STATE)
	@nohup node front-end/dist/main.js >$(STATE)/front-end.log 2>&1 & echo $$! > $(FRONT_END_PID)
	@echo "front-end started (pid $$(cat $(FRONT_END_PID))): http://localhost:8000, log in $(STATE)/front-end.log"

stop: ## stop the front-end started by `make start` (by its pid file only)
	@if [ -f $(FRONT_END_PID) ]; then kill $$(cat $(FRONT_END_PID)) 2>/dev/null || true; rm -f $(FRONT_END_PID); echo "front-end stopped"; \
	else echo "front-end is not running (no $(FRONT_END_PID))"; fi

clean: ## remove build output, test artifacts and local infra state (not the cached binaries)
	@bash project/infra/down.sh >/dev/null 2>&1 || true
	rm -rf */dist packages/*/dist test-artifacts $(STATE) $(FRONT_END_PID)

# --- Kubernetes (project/k8s; README "Kubernetes") ---------------------------------------
OVERLAY ?= dev
K8S_OVERLAY = project/k8s/overlays/$(OVERLAY)

require-kubectl:
	@command -v kubectl >/dev/null 2>&1 || { echo "kubectl is not installed (it bundles kustomize): https://kubernetes.io/docs/tasks/tools/"; exit 1; }
	@test -d $(K8S_OVERLAY) || { echo "no overlay $(OVERLAY): use OVERLAY=dev or OVERLAY=prod"; exit 1; }

k8s-render: require-kubectl ## print the manifests of an overlay (OVERLAY=dev|prod, default dev)
	@kubectl kustomize $(K8S_OVERLAY)

k8s-up: require-kubectl ## apply an overlay to the current kubectl context (OVERLAY=dev|prod)
	kubectl apply -k $(K8S_OVERLAY)

k8s-down: require-kubectl ## delete what k8s-up applied (the namespace, with its volumes)
	kubectl delete -k $(K8S_OVERLAY) --ignore-not-found
