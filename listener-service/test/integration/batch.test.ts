import { uniqueName, eventually } from '@ms/testing';
import { DEAD_ERROR_HEADER, DEAD_REASON_HEADER } from '../../src/amqp/log-event-consumer';
import { type ListenerUnderTest, metricReaches, metricValue } from '../support/listener';
import { usePipeline } from '../support/pipeline';
import { LoggerProxy } from '../support/logger-proxy';

// The listener stores through a proxy in front of the real logger, which plays failures.
const pipeline = usePipeline({
  env: { RETRY_DELAYS_MS: '100,200,400', MAX_ATTEMPTS: '50' },
  listeners: 0,
});
const { config, logger } = pipeline;
let proxy: LoggerProxy;
let listener: ListenerUnderTest | undefined;

jest.setTimeout(60_000);

beforeAll(async () => {
  proxy = await LoggerProxy.start(pipeline.loggerUrl);
});

beforeEach(async () => {
  proxy.mode = 'forward';
  proxy.delayMs = 0;
  proxy.rewrite = undefined;
  listener = await pipeline.startListener({ LOGGER_SERVICE_URL: proxy.url });
});

afterEach(async () => {
  await listener?.stop();
  listener = undefined;
});

afterAll(() => proxy?.close());

/** Publishes `count` events at once (confirmed together), as a busy broker does. */
async function publishBurst(name: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => pipeline.publisher.publishEvent(name, `event ${i}`)),
  );
}

/** With the logger failing as `mode`, publishes a burst and waits until every event was retried. */
async function burstRetried(
  mode: LoggerProxy['mode'],
  count: number,
): Promise<{ name: string; ids: string[] }> {
  proxy.mode = mode;
  const name = uniqueName(mode.replace('-', '_'));
  const ids = await publishBurst(name, count);
  await metricReaches(listener!.url, 'listener_messages_retried_total', count, {
    timeoutMs: 20_000,
    what: 'every event to be retried',
  });
  return { name, ids };
}

async function expectStoredOnce(name: string, ids: string[]): Promise<void> {
  await eventually(async () => (await logger.eventIds(name)).length >= ids.length, {
    timeoutMs: 30_000,
    what: `${ids.length} events to be stored`,
  });
  const stored = await logger.eventIds(name);
  expect(stored).toHaveLength(ids.length);
  expect(new Set(stored)).toEqual(new Set(ids));
}

it('stores a burst in batches; a poison message and an entry the logger rejects are dead-lettered alone', async () => {
  const name = uniqueName('burst');
  const refused = uniqueName('refused_by_logger');
  // Make the logger itself reject one entry of a batch: the listener's own checks are the
  // logger's, so only a disagreement between the two can cause that.
  proxy.rewrite = (batch) => ({
    entries: batch.entries.map((entry) =>
      entry.data === refused ? { ...entry, name: ' ' } : entry,
    ),
  });
  const poison = JSON.stringify({ name, data: { not: 'a string' } });

  const publishing = [
    publishBurst(name, 60),
    pipeline.publisher.publishRaw(Buffer.from(poison)),
    pipeline.publisher.publishEvent(name, refused),
    publishBurst(name, 60),
  ] as const;
  const [first, , refusedId, second] = await Promise.all(publishing);
  const good = [...first, ...second];

  await expectStoredOnce(name, good);
  const dead = await eventually(async () => {
    const found = await pipeline.publisher.drain(config.DEAD_LETTER_QUEUE);
    return found.length > 0 && found;
  });
  await eventually(
    async () => (await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)) === 0,
  );
  const reasons = Object.fromEntries(
    dead.map((message) => [
      message.content.toString(),
      [
        message.properties.headers?.[DEAD_REASON_HEADER],
        message.properties.headers?.[DEAD_ERROR_HEADER],
      ],
    ]),
  );
  expect(dead).toHaveLength(2);
  expect(reasons[poison]).toEqual(['invalid_shape', expect.stringContaining('data')]);
  expect(reasons[JSON.stringify({ name, data: refused })]).toEqual([
    'rejected',
    expect.stringContaining('logger refused the entry: name'),
  ]);
  expect(dead.find((message) => message.properties.messageId === refusedId)).toBeDefined();

  const url = listener!.url;
  expect(await metricValue(url, 'listener_messages_stored_total')).toBe(120);
  expect(await metricValue(url, 'listener_messages_dead_lettered_total', 'rejected')).toBe(1);
  expect(await metricValue(url, 'listener_messages_dead_lettered_total', 'invalid_shape')).toBe(1);
  expect(await metricValue(url, 'listener_messages_retried_total')).toBe(0);
  // Batched: far fewer logger calls than events, and the histogram counts every entry sent.
  expect(proxy.batchCalls.length).toBeLessThan(30);
  expect(await metricValue(url, 'listener_batch_size_sum')).toBe(121);
  expect(await metricValue(url, 'listener_batch_size_count')).toBe(proxy.batchCalls.length);
});

it('retries every event of a batch whose logger call failed; none lost, none twice once the logger is back', async () => {
  proxy.batchCalls.length = 0;
  const { name, ids } = await burstRetried('unavailable', 300);
  expect(await logger.eventIds(name)).toEqual([]);
  expect(proxy.batchCalls.every((call) => call.status === 503)).toBe(true);

  proxy.mode = 'forward';
  await expectStoredOnce(name, ids);
  const url = listener!.url;
  await eventually(async () => (await metricValue(url, 'listener_messages_stored_total')) === 300);
  expect(await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
});

it('stores an event once when the logger stored it but its answer was lost', async () => {
  const { name, ids } = await burstRetried('answer-lost', 200);
  // Stored on the first call, although the listener was told it failed.
  expect(new Set(await logger.eventIds(name))).toEqual(new Set(ids));

  proxy.mode = 'forward';
  // The retries come back as duplicates: acked as stored, not stored again.
  await metricReaches(listener!.url, 'listener_messages_stored_total', 200, {
    timeoutMs: 20_000,
    what: 'the retried events to be acknowledged',
  });
  await expectStoredOnce(name, ids);
  expect(await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
});

it('on stop stores what it buffered and finishes batches in flight; the rest is redelivered', async () => {
  proxy.delayMs = 300; // slow logger: batches pile up in the listener
  const name = uniqueName('stopped');
  const ids = await publishBurst(name, 1500);
  const url = listener!.url;
  await metricReaches(url, 'listener_messages_consumed_total', 1000);

  await listener!.stop();
  listener = undefined;
  // What it had taken is stored (nothing was left half-done); the rest is queued again.
  const storedAfterStop = (await logger.eventIds(name)).length;
  expect(storedAfterStop).toBeGreaterThanOrEqual(1000);
  await eventually(
    async () =>
      (await pipeline.publisher.messageCount(config.LISTENER_QUEUE)) ===
      ids.length - storedAfterStop,
    { what: 'the queue to hold exactly the events not stored' },
  );

  proxy.delayMs = 0;
  listener = await pipeline.startListener({ LOGGER_SERVICE_URL: proxy.url });
  await expectStoredOnce(name, ids);
});
