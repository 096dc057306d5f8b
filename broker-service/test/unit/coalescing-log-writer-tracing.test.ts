// The traces of coalesced log writes, with the kit's tracing on an in-memory span exporter:
// a lone write's call to the logger continues its request's trace; a batch call is a span
// of its own, child of its first write's trace and linked to every write in it.
import { activeContext, createLogger, currentTraceIds, linkTo, withSpan } from '@ms/service-kit';
import { type LogBatchResult, type LogEntry } from '@ms/service-kit/contracts';
import { type Tracing, startTracing } from '@ms/service-kit/tracing';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import {
  type BatchCapableLogWriter,
  CoalescingLogWriter,
} from '../../src/clients/coalescing-log-writer';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = startTracing('coalescing-tracing-test', {
    env: {},
    instrument: false,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
});

afterAll(() => tracing.shutdown());

/** Records the trace context each call to the logger runs in; answers when told. */
class TracedTransport implements BatchCapableLogWriter {
  readonly calls: { kind: 'single' | 'batch'; traceId?: string; spanId?: string }[] = [];
  private pending: (() => void)[] = [];

  write(_entry: LogEntry): Promise<string> {
    this.record('single');
    return new Promise((resolve) => this.pending.push(() => resolve('logged')));
  }

  writeMany(entries: LogEntry[]): Promise<LogBatchResult[]> {
    this.record('batch');
    return new Promise((resolve) =>
      this.pending.push(() => resolve(entries.map(() => ({ status: 'stored' as const })))),
    );
  }

  answerAll(): void {
    const pending = this.pending;
    this.pending = [];
    for (const answer of pending) answer();
  }

  private record(kind: 'single' | 'batch'): void {
    const ids = currentTraceIds();
    this.calls.push({ kind, traceId: ids?.trace_id, spanId: ids?.span_id });
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

it('a lone write continues its trace; a batch is a span of its own, linked to each write', async () => {
  const transport = new TracedTransport();
  const writer = new CoalescingLogWriter(transport, {
    target: 'logger service',
    timeoutMs: 5000,
    logger: createLogger('test', { level: 'silent' }),
  });
  const requests: { traceId: string; spanId: string; link: ReturnType<typeof linkTo> }[] = [];
  const request = (name: string) =>
    withSpan(`request ${name}`, {}, async () => {
      const ids = currentTraceIds()!;
      requests.push({ traceId: ids.trace_id, spanId: ids.span_id, link: linkTo(activeContext()) });
      return writer.write({ name, data: 'x' });
    });

  // A goes alone; B and C arrive while A's call is in flight and leave together.
  const a = request('a');
  await tick();
  await tick();
  const b = request('b');
  const c = request('c');
  transport.answerAll();
  await a;
  await tick();
  await tick();
  transport.answerAll();
  await Promise.all([b, c]);

  expect(transport.calls.map((call) => call.kind)).toEqual(['single', 'batch']);
  const [single, batch] = transport.calls;
  const [ra, rb, rc] = requests;
  // the lone write ran inside request A's span
  expect(single).toEqual({ kind: 'single', traceId: ra!.traceId, spanId: ra!.spanId });
  // the batch ran inside a 'log batch' span, in B's trace, child of B, linked to B and C
  const batchSpan = exporter.getFinishedSpans().find((span) => span.name === 'log batch')!;
  expect(batchSpan).toBeDefined();
  expect(batch).toEqual({
    kind: 'batch',
    traceId: batchSpan.spanContext().traceId,
    spanId: batchSpan.spanContext().spanId,
  });
  expect(batchSpan.spanContext().traceId).toBe(rb!.traceId);
  expect(batchSpan.parentSpanContext?.spanId).toBe(rb!.spanId);
  expect(batchSpan.links.map((link) => link.context.spanId).sort()).toEqual(
    [rb!.spanId, rc!.spanId].sort(),
  );
  expect(batchSpan.attributes['log.batch.size']).toBe(2);
});
