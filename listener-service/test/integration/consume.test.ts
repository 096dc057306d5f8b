import request from 'supertest';
import { LOG_ROUTING_KEYS } from '@ms/service-kit/contracts';
import { eventually, uniqueName } from '@ms/testing';
import { DEAD_REASON_HEADER } from '../../src/amqp/log-event-consumer';
import { metricReaches, metricValue } from '../support/listener';
import { usePipeline } from '../support/pipeline';

const pipeline = usePipeline({ env: { LOG_LEVEL: 'debug' } });
const { config, logger } = pipeline;

describe('listener with the real logger and RabbitMQ', () => {
  it('is alive and ready once consuming', async () => {
    await request(pipeline.listener.url)
      .get('/healthz')
      .expect(200, { error: false, message: 'alive' });
    const ready = await request(pipeline.listener.url).get('/readyz').expect(200);
    expect(ready.body).toEqual({
      error: false,
      message: 'ready',
      data: { checks: { rabbitmq: 'ok' } },
    });
  });

  it('stores an event from each routing key exactly once, with its messageId as event_id', async () => {
    const name = uniqueName('routing');
    const ids: string[] = [];
    for (const routingKey of LOG_ROUTING_KEYS) {
      ids.push(await pipeline.publisher.publishEvent(name, `via ${routingKey}`, { routingKey }));
    }

    const entries = await eventually(async () => {
      const found = await logger.entries(name);
      return found.length >= 3 && found;
    });

    expect(entries.map((entry) => entry.event_id).sort()).toEqual([...ids].sort());
    expect(entries.map((entry) => entry.data).sort()).toEqual([
      'via log.ERROR',
      'via log.INFO',
      'via log.WARNING',
    ]);
  });

  it('stores a redelivered event (same messageId) once', async () => {
    const name = uniqueName('duplicate');
    const storedBefore = await metricValue(pipeline.listener.url, 'listener_messages_stored_total');
    const messageId = await pipeline.publisher.publishEvent(name, 'first');
    await pipeline.publisher.publishEvent(name, 'first', { messageId });
    const marker = await pipeline.publisher.publishEvent(name, 'after');

    await eventually(async () =>
      (await logger.entries(name)).some((entry) => entry.event_id === marker),
    );
    // Deliveries run concurrently: wait until all three were handled (a duplicate counts).
    await metricReaches(pipeline.listener.url, 'listener_messages_stored_total', storedBefore + 3);
    const entries = await logger.entries(name);
    expect(entries.filter((entry) => entry.event_id === messageId)).toHaveLength(1);
    expect(entries).toHaveLength(2);
  });

  it("carries a lone event's x-request-id to the logger", async () => {
    const name = uniqueName('traced');
    const requestId = uniqueName('req');
    await pipeline.publisher.publishEvent(name, 'traced', { requestId });

    await eventually(async () => (await logger.entries(name)).length === 1);
    const loggerLine = await eventually(() =>
      logger.lines.find((line) => line.requestId === requestId && line.path === '/logs/batch'),
    );
    expect(loggerLine).toMatchObject({ method: 'POST', status: 200 });
    // The listener writes its line once the logger's answer is back: wait for it.
    const storedLine = await eventually(() =>
      pipeline.listener.lines.find(
        (line) => line.msg === 'log event stored' && line.requestId === requestId,
      ),
    );
    expect(storedLine).toMatchObject({ level: 'debug' });
  });

  it("ties each event's x-request-id to the batch call that stored it", async () => {
    const name = uniqueName('traced_burst');
    const requestIds = Array.from({ length: 300 }, (_, i) => uniqueName(`req${i}`));
    await Promise.all(
      requestIds.map((requestId, i) =>
        pipeline.publisher.publishEvent(name, `burst ${i}`, { requestId }),
      ),
    );

    await eventually(async () => (await logger.entries(name)).length === 300);
    // A batch of several has a request id of its own; the listener's line lists the
    // request ids of the events in it, the logger's access line names the batch call's.
    const batchLine = await eventually(() =>
      pipeline.listener.lines.find(
        (line) =>
          line.msg === 'log batch sent to the logger' &&
          Array.isArray(line.requestIds) &&
          line.requestIds.some((id: unknown) => requestIds.includes(id as string)),
      ),
    );
    expect(batchLine.batchRequestId).toEqual(expect.stringMatching(/^batch-/));
    expect(batchLine.size).toBeGreaterThan(1);
    const loggerLine = await eventually(() =>
      logger.lines.find(
        (line) => line.requestId === batchLine.batchRequestId && line.path === '/logs/batch',
      ),
    );
    expect(loggerLine).toMatchObject({ method: 'POST', status: 200 });
  });

  it('moves poison messages to the dead-letter queue at once and keeps storing good events', async () => {
    const name = uniqueName('around_poison');
    const notJson = uniqueName('not_json');
    const missingName = JSON.stringify({ data: uniqueName('missing_name') });
    const wrongType = JSON.stringify({ name: uniqueName('wrong_type'), data: { nested: true } });
    const deadBefore = await metricValue(
      pipeline.listener.url,
      'listener_messages_dead_lettered_total',
    );
    const retriedBefore = await metricValue(
      pipeline.listener.url,
      'listener_messages_retried_total',
    );

    const good = [await pipeline.publisher.publishEvent(name, 'before')];
    await pipeline.publisher.publishRaw(Buffer.from(`{${notJson}`));
    good.push(await pipeline.publisher.publishEvent(name, 'between'));
    await pipeline.publisher.publishRaw(Buffer.from(missingName), { routingKey: 'log.ERROR' });
    await pipeline.publisher.publishRaw(Buffer.from(wrongType), { routingKey: 'log.WARNING' });
    good.push(await pipeline.publisher.publishEvent(name, 'after'));

    const entries = await eventually(async () => {
      const found = await logger.entries(name);
      return found.length >= 3 && found;
    });
    expect(entries.map((entry) => entry.event_id).sort()).toEqual([...good].sort());

    const dead = await eventually(async () => {
      const count = await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE);
      return count >= 3 && (await pipeline.publisher.drain(config.DEAD_LETTER_QUEUE));
    });
    const byBody = Object.fromEntries(
      dead.map((message) => [
        message.content.toString(),
        message.properties.headers?.[DEAD_REASON_HEADER],
      ]),
    );
    expect(byBody).toEqual({
      [`{${notJson}`]: 'invalid_json',
      [missingName]: 'invalid_shape',
      [wrongType]: 'invalid_shape',
    });
    // Dead-lettered at once, never retried.
    expect(await metricValue(pipeline.listener.url, 'listener_messages_retried_total')).toBe(
      retriedBefore,
    );
    expect(
      await metricValue(
        pipeline.listener.url,
        'listener_messages_dead_lettered_total',
        'invalid_json',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      (await metricValue(
        pipeline.listener.url,
        'listener_messages_dead_lettered_total',
        'invalid_json',
      )) +
        (await metricValue(
          pipeline.listener.url,
          'listener_messages_dead_lettered_total',
          'invalid_shape',
        )),
    ).toBe(deadBefore + 3);
    // The dead letter keeps its messageId and where it came from.
    const missing = dead.find((message) => message.content.toString() === missingName)!;
    expect(missing.properties.messageId).toEqual(expect.any(String));
    expect(missing.properties.headers).toMatchObject({
      'x-original-exchange': config.LOGS_EXCHANGE,
      'x-original-routing-key': 'log.ERROR',
    });
    expect(missing.properties.deliveryMode).toBe(2);
  });

  it('counts consumed and stored events on /metrics', async () => {
    const consumed = await metricValue(pipeline.listener.url, 'listener_messages_consumed_total');
    const stored = await metricValue(pipeline.listener.url, 'listener_messages_stored_total');
    const name = uniqueName('counted');

    await pipeline.publisher.publishEvent(name, 'one');
    await pipeline.publisher.publishEvent(name, 'two');
    await eventually(async () => (await logger.entries(name)).length === 2);

    await eventually(
      async () =>
        (await metricValue(pipeline.listener.url, 'listener_messages_stored_total')) === stored + 2,
    );
    expect(await metricValue(pipeline.listener.url, 'listener_messages_consumed_total')).toBe(
      consumed + 2,
    );
    expect(await metricValue(pipeline.listener.url, 'listener_consuming')).toBe(1);
  });

  it('re-declares its queue and resumes when the queue is deleted under it', async () => {
    const setUps = () =>
      pipeline.listener.lines.filter((line) => line.msg === 'consuming log events');
    expect(setUps()).toHaveLength(1);

    await pipeline.publisher.deleteQueue(config.LISTENER_QUEUE);

    // RabbitMQ cancels the consumer; the listener reconnects and declares the queue again.
    await eventually(() => setUps().length === 2, {
      timeoutMs: 15_000,
      what: 'the listener to consume again',
    });
    await request(pipeline.listener.url).get('/readyz').expect(200);
    const name = uniqueName('after_redeclare');
    const id = await pipeline.publisher.publishEvent(name, 'back');
    const entries = await eventually(async () => {
      const found = await logger.entries(name);
      return found.length === 1 && found;
    });
    expect(entries[0]!.event_id).toBe(id);
    expect(
      pipeline.listener.lines.some(
        (line) => line.msg === 'RabbitMQ cancelled the consumer; reconnecting',
      ),
    ).toBe(true);
  });
});
