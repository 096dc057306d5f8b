import request from 'supertest';
import { eventually, uniqueName } from '@ms/testing';
import { ATTEMPTS_HEADER, DEAD_REASON_HEADER } from '../../src/amqp/log-event-consumer';
import { retryQueueName } from '../../src/amqp/topology';
import { metricValue } from '../support/listener';
import { usePipeline } from '../support/pipeline';

// The logger is down for the whole file: nothing listens on its port.
const pipeline = usePipeline({
  env: { MAX_ATTEMPTS: '3', RETRY_DELAYS_MS: '100,300' },
  withLogger: false,
});
const { config } = pipeline;

it('retries a failing event with growing delays, then dead-letters it with its attempt count', async () => {
  const name = uniqueName('unstorable');
  const messageId = await pipeline.publisher.publishEvent(name, 'logger is down', {
    routingKey: 'log.WARNING',
  });

  const [dead] = await eventually(async () => {
    const messages = await pipeline.publisher.drain(config.DEAD_LETTER_QUEUE);
    return messages.length > 0 && messages;
  });

  expect(dead!.properties.messageId).toBe(messageId);
  expect(JSON.parse(dead!.content.toString())).toEqual({ name, data: 'logger is down' });
  expect(dead!.properties.headers).toMatchObject({
    [DEAD_REASON_HEADER]: 'retries_exhausted',
    [ATTEMPTS_HEADER]: 2,
    'x-original-exchange': config.LOGS_EXCHANGE,
    'x-original-routing-key': 'log.WARNING',
  });
  expect(String(dead!.properties.headers?.['x-dead-error'])).toContain(
    'logger service unavailable',
  );
  // Exactly MAX_ATTEMPTS deliveries: bounded, not a requeue loop.
  expect(await metricValue(pipeline.listener.url, 'listener_messages_consumed_total')).toBe(3);
  expect(await metricValue(pipeline.listener.url, 'listener_messages_retried_total')).toBe(2);
  expect(
    await metricValue(
      pipeline.listener.url,
      'listener_messages_dead_lettered_total',
      'retries_exhausted',
    ),
  ).toBe(1);
  // Each retry waited in the retry queue of a longer delay.
  const retries = pipeline.listener.lines.filter(
    (line) => line.messageId === messageId && 'delayMs' in line,
  );
  expect(retries.map((line) => [line.attempt, line.delayMs])).toEqual([
    [1, 100],
    [2, 300],
  ]);
  // A dead logger does not make the listener unready: it still consumes.
  await request(pipeline.listener.url).get('/readyz').expect(200);
});

it('loses nothing when its retry queue was deleted: reconnects, re-declares, retries', async () => {
  const name = uniqueName('retry_queue_gone');
  const deadBefore = await metricValue(
    pipeline.listener.url,
    'listener_messages_dead_lettered_total',
  );
  await pipeline.publisher.deleteQueue(retryQueueName(config.LISTENER_QUEUE, 100));

  const messageId = await pipeline.publisher.publishEvent(name, 'copy is unroutable at first');

  const [dead] = await eventually(
    async () => {
      const messages = await pipeline.publisher.drain(config.DEAD_LETTER_QUEUE);
      return messages.length > 0 && messages;
    },
    { timeoutMs: 20_000, what: 'the event to be retried and dead-lettered' },
  );
  expect(dead!.properties.messageId).toBe(messageId);
  expect(dead!.properties.headers).toMatchObject({
    [DEAD_REASON_HEADER]: 'retries_exhausted',
    [ATTEMPTS_HEADER]: 2,
  });
  expect(await metricValue(pipeline.listener.url, 'listener_messages_dead_lettered_total')).toBe(
    deadBefore + 1,
  );
  expect(
    pipeline.listener.lines.some(
      (line) =>
        line.msg === 'could not settle a log event; reconnecting, it will be redelivered' &&
        String(line.err).includes('no queue took the copy'),
    ),
  ).toBe(true);
});
