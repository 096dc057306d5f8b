import request from 'supertest';
import { eventually, uniqueName } from '@ms/testing';
import { metricReaches } from '../support/listener';
import { usePipeline } from '../support/pipeline';

const EVENTS = 200;
const pipeline = usePipeline({ env: { RETRY_DELAYS_MS: '200,400,800,1600', MAX_ATTEMPTS: '50' } });
const { config, logger } = pipeline;

jest.setTimeout(90_000);

it('stores every event published while the logger was down, once each, after it returns', async () => {
  const name = uniqueName('logger_outage');
  await logger.stop();

  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    ids.push(await pipeline.publisher.publishEvent(name, `event ${i}`));
  }
  // Half of them again with the same messageId, as a publisher retrying after a lost confirm would.
  for (const [i, messageId] of ids.slice(0, EVENTS / 2).entries()) {
    await pipeline.publisher.publishEvent(name, `event ${i}`, { messageId });
  }
  // The listener is failing to store them and parking them in its retry queues...
  await metricReaches(pipeline.listener.url, 'listener_messages_retried_total', EVENTS, {
    timeoutMs: 20_000,
    what: 'the listener to retry the events',
  });
  // ...while staying ready: a logger outage is not the listener's.
  await request(pipeline.listener.url).get('/readyz').expect(200);

  await logger.start();

  const entries = await eventually(
    async () => {
      const found = await logger.entries(name);
      return found.length >= EVENTS && found;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `all ${EVENTS} events to be stored` },
  );
  // Let any straggling duplicate be handled before counting.
  await metricReaches(pipeline.listener.url, 'listener_messages_stored_total', EVENTS * 1.5, {
    timeoutMs: 30_000,
    what: 'every delivery to be settled',
  });
  const stored = await logger.entries(name);
  expect(stored).toHaveLength(EVENTS);
  expect(new Set(stored.map((entry) => entry.event_id))).toEqual(new Set(ids));
  expect(new Set(stored.map((entry) => entry.data)).size).toBe(EVENTS);
  expect(entries.length).toBe(EVENTS);
  expect(await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
});
