/**
 * Trace context helpers for code that crosses a transport the instrumentations do not
 * know (the logger's JSON-RPC and gob RPC, the listener's batches, the broker's write
 * coalescing). Only `@opentelemetry/api`: without a registered provider (tracing not
 * started, or OTEL_SDK_DISABLED=true) every call here is a cheap no-op.
 */
import {
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';

export { SpanKind } from '@opentelemetry/api';

const TRACER_NAME = '@ms/service-kit';

/** The W3C members a carrier holds: `traceparent` and, when there is one, `tracestate`. */
export type TraceCarrier = Partial<Record<'traceparent' | 'tracestate', string>>;

/** trace_id and span_id of the span running now, for log lines; undefined outside a trace. */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span = trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid({ traceId, spanId, traceFlags })) return undefined;
  return { trace_id: traceId, span_id: spanId };
}

/** Sets an attribute on the span running now (a no-op outside a trace). */
export function setSpanAttribute(key: string, value: string | number | boolean): void {
  trace.getActiveSpan()?.setAttribute(key, value);
}

/** The current context as W3C members, to put in a message that crosses a process. */
export function injectTraceContext(from: Context = context.active()): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  const out: TraceCarrier = {};
  if (typeof carrier.traceparent === 'string') out.traceparent = carrier.traceparent;
  if (typeof carrier.tracestate === 'string') out.tracestate = carrier.tracestate;
  return out;
}

/**
 * The context a received message carries (W3C members of an object, e.g. a JSON-RPC
 * request), on top of the current one. Anything malformed is ignored (a new trace starts).
 */
export function extractTraceContext(carrier: unknown, base: Context = context.active()): Context {
  if (typeof carrier !== 'object' || carrier === null) return base;
  const { traceparent, tracestate } = carrier as Record<string, unknown>;
  if (typeof traceparent !== 'string' || traceparent.length > 128) return base;
  const members: Record<string, string> = { traceparent };
  if (typeof tracestate === 'string' && tracestate.length <= 512) members.tracestate = tracestate;
  return propagation.extract(base, members);
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent; the active context by default. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span, which ends when `fn` settles; a throw marks the span
 * as an error (its message only, never a stack) and is rethrown.
 */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    { kind: options.kind, attributes: options.attributes, links: options.links },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: err instanceof Error ? err.message : String(err),
        });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** A link to the span of a context (for a batch that serves many traces), if it has one. */
export function linkTo(from: Context): Link | undefined {
  const spanContext = trace.getSpanContext(from);
  return spanContext && trace.isSpanContextValid(spanContext)
    ? { context: spanContext }
    : undefined;
}

/**
 * The span options for work done once for many traces (a batch): the span is a child of
 * the first trace, so a batch of one continues its trace unbroken, and links to the span
 * of each, so every trace reaches the batch.
 */
export function batchSpanOptions(traces: Context[], attributes?: Attributes): SpanOptions {
  return {
    parent: traces[0],
    links: traces.flatMap((from) => linkTo(from) ?? []),
    attributes,
  };
}

/** The active context, to keep with work that will run later (a batch, a queue). */
export function activeContext(): Context {
  return context.active();
}

/** Runs fn in a context kept earlier. */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

type Flush = () => Promise<void>;
let flushTracer: Flush | undefined;

/** Set by startTracing: what runService's shutdown calls last to export buffered spans. */
export function setTracingFlush(flush: Flush | undefined): void {
  flushTracer = flush;
}

/** Exports the spans still buffered; a no-op when tracing never started. */
export async function flushTracing(): Promise<void> {
  await flushTracer?.();
}
