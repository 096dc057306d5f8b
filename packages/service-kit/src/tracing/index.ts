/**
 * `@ms/service-kit/tracing`: OpenTelemetry for a service process. Each service's
 * src/tracing.ts calls `startTracing(name)`, and its main.ts imports that file FIRST, so
 * the instrumentations hook http, undici, grpc-js, amqplib, pg and mongodb
 * before anything loads them (CommonJS: `require` runs in import order). This file must
 * therefore never import the kit's barrel or any instrumented module.
 *
 * Environment (read once, here; the standard OpenTelemetry variables):
 * - OTEL_SDK_DISABLED=true: no tracing at all (no provider, no instrumentation).
 * - OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): spans are
 *   exported there over OTLP http/protobuf, in batches. Unset (or empty): spans are still
 *   made, so trace ids reach the log lines and propagate to the next service, but no
 *   exporter exists and nothing is dialled.
 * - OTEL_SERVICE_NAME overrides the service's name; OTEL_BSP_* tune the batching;
 *   OTEL_EXPORTER_OTLP_TIMEOUT bounds an export (10 s by default).
 */
import {
  DiagConsoleLogger,
  DiagLogLevel,
  context,
  diag,
  propagation,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import {
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { routePattern } from '../http/route-pattern';
import { setTracingFlush } from './context';
import { mongoStatementShape } from './mongo-statement';

/** Paths probed by load balancers and Prometheus: no span for them. */
const UNTRACED_PATHS = new Set(['/ping', '/healthz', '/readyz', '/metrics']);

export interface TracingOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** More span processors, e.g. a SimpleSpanProcessor on an InMemorySpanExporter in tests. */
  spanProcessors?: SpanProcessor[];
  /** false: no automatic instrumentation (tests of the manual spans). Default true. */
  instrument?: boolean;
}

export interface TracingSettings {
  enabled: boolean;
  serviceName: string;
  /** Where spans are exported; undefined: no exporter. */
  endpoint: string | undefined;
}

export interface Tracing extends TracingSettings {
  /** Exports what is buffered (bounded by the exporter's timeout). */
  flush(): Promise<void>;
  /** Flushes, then stops tracing; the global API goes back to no-ops. */
  shutdown(): Promise<void>;
}

/** The variables tracing reads here (the SDK reads other OTEL_* ones itself). */
export const TRACING_ENV_KEYS = [
  'OTEL_SDK_DISABLED',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'OTEL_LOG_LEVEL',
] as const;

/** Reads the tracing variables; throws naming the variable when one is malformed. */
export function tracingSettings(serviceName: string, env: NodeJS.ProcessEnv): TracingSettings {
  const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase();
  if (disabled !== '' && disabled !== 'true' && disabled !== 'false') {
    throw new Error(
      `${serviceName}: invalid configuration: OTEL_SDK_DISABLED must be true or false`,
    );
  }
  let endpoint: string | undefined;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!isHttpUrl(value)) {
      throw new Error(`${serviceName}: invalid configuration: ${name} must be an http(s) URL`);
    }
    endpoint ??= value;
  }
  return {
    enabled: disabled !== 'true',
    serviceName: env.OTEL_SERVICE_NAME?.trim() || serviceName,
    endpoint,
  };
}

let active: Tracing | undefined;

/**
 * Starts tracing for this process once (a second call returns the first's handle). The
 * provider is registered globally: W3C traceparent propagation, AsyncLocalStorage
 * context, and the instrumentations below. runService's drain exports the spans still
 * buffered before the process exits (`flushTracing`).
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): Tracing {
  if (active) return active;
  let settings: TracingSettings;
  try {
    settings = tracingSettings(serviceName, options.env ?? process.env);
  } catch (err) {
    // As loadConfig does for the service's own variables: one line naming it, exit 1.
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  if (!settings.enabled) {
    active = { ...settings, flush: async () => {}, shutdown: async () => {} };
    return active;
  }
  // The SDK's own complaints (an export that failed, a dropped span) on stderr; quiet by
  // default but for warnings. OTEL_LOG_LEVEL=debug shows more.
  diag.setLogger(new DiagConsoleLogger(), diagLevel(options.env ?? process.env));
  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (settings.endpoint) {
    // Without a url option the exporter applies the standard rules itself: the traces
    // endpoint as it is, or the base endpoint plus /v1/traces.
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      [ATTR_SERVICE_VERSION]: process.env.npm_package_version ?? '1.0.0',
    }),
    spanProcessors,
  });
  provider.register(); // W3C trace context + baggage, AsyncLocalStorage context manager
  const unregister =
    options.instrument === false
      ? () => {}
      : registerInstrumentations({
          tracerProvider: provider,
          instrumentations: instrumentations(),
        });
  setTracingFlush(() => provider.forceFlush());
  let stopped: Promise<void> | undefined;
  active = {
    ...settings,
    flush: () => provider.forceFlush(),
    shutdown: () =>
      (stopped ??= (async () => {
        unregister();
        setTracingFlush(undefined);
        await provider.shutdown();
        trace.disable();
        diag.disable();
        context.disable();
        propagation.disable();
        active = undefined;
      })()),
  };
  return active;
}

/** The running tracing, if startTracing was called in this process. */
export function activeTracing(): Tracing | undefined {
  return active;
}

function instrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.url ?? '')),
      // Outgoing calls to siblings go through undici; a bare http client span (e.g. the
      // exporter's own) is not wanted without a request around it.
      requireParentforOutgoingSpans: true,
      // The server span is named after the Express route that answered (POST /logs/:id).
      // No Express instrumentation: it wraps every middleware of every request (measured:
      // the largest tracing cost in the broker), and a span per router adds nothing here.
      applyCustomAttributesOnSpan: (span, request) => {
        // Express sets route and baseUrl on the request it was given (this same object).
        const route = routePattern(request as Parameters<typeof routePattern>[0]);
        if (route === undefined) return;
        span.setAttribute(ATTR_HTTP_ROUTE, route);
        span.updateName(`${(request as { method?: string }).method ?? 'GET'} ${route}`);
      },
    }),
    new UndiciInstrumentation({ requireParentforSpans: true }),
    new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
    new AmqplibInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
    // The default db.statement is the whole command as JSON with every value masked: for
    // an insert of a batch that walks every document (measured: 6% of the logger's CPU
    // under load). The shape of the command, with arrays as their length, tells as much.
    new MongoDBInstrumentation({
      requireParentSpan: true,
      dbStatementSerializer: mongoStatementShape,
    }),
  ];
}

/** The path of a request target, without its query (runs for every request: no split). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function diagLevel(env: NodeJS.ProcessEnv): DiagLogLevel {
  const level = env.OTEL_LOG_LEVEL?.trim().toUpperCase() as keyof typeof DiagLogLevel | undefined;
  return level && level in DiagLogLevel ? DiagLogLevel[level] : DiagLogLevel.WARN;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
