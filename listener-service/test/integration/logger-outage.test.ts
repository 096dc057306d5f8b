import request from 'supertest';
import { eventually, requireMongo, requireRabbitMq, uniqueName } from '@ms/service-kit/testing';
import {
  type ListenerUnderTest,
  listenerConfig,
  listenerEnv,
  metricValue,
  startListener,
} from '../support/listener';
import { TestPublisher, deleteTopology } from '../support/rabbit';
import { RealLogger } from '../support/real-logger';

const EVENTS = 200;
const logger = new RealLogger();
const env = listenerEnv({ RETRY_DELAYS_MS: '200,400,800,1600', MAX_ATTEMPTS: '50' });
const config = listenerConfig(env);
let listener: ListenerUnderTest;
let publisher: TestPublisher;

jest.setTimeout(90_000);

beforeAll(async () => {
  await requireRabbitMq();
  await requireMongo();
  await logger.start();
  listener = await startListener(listenerConfig({ ...env, LOGGER_SERVICE_URL: logger.url }));
  publisher = await TestPublisher.open(config.LOGS_EXCHANGE);
});

afterAll(async () => {
  await listener?.stop();
  await publisher?.close();
  await deleteTopology(config);
  await logger.dispose();
});

it('stores every event published while the logger was down, once each, after it returns', async () => {
  const name = uniqueName('logger_outage');
  await logger.stop();

  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    ids.push(await publisher.publishEvent(name, `event ${i}`));
  }
  // Half of them again with the same messageId, as a publisher retrying after a lost confirm would.
  for (const [i, messageId] of ids.slice(0, EVENTS / 2).entries()) {
    await publisher.publishEvent(name, `event ${i}`, { messageId });
  }
  // The listener is failing to store them and parking them in its retry queues...
  await eventually(
    async () => (await metricValue(listener.url, 'listener_messages_retried_total')) >= EVENTS,
    { timeoutMs: 20_000, what: 'the listener to retry the events' },
  );
  // ...while staying ready: a logger outage is not the listener's.
  await request(listener.url).get('/readyz').expect(200);

  await logger.start();

  const entries = await eventually(
    async () => {
      const found = await logger.entries(name);
      return found.length >= EVENTS && found;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `all ${EVENTS} events to be stored` },
  );
  // Let any straggling duplicate be handled before counting.
  await eventually(
    async () => (await metricValue(listener.url, 'listener_messages_stored_total')) >= EVENTS * 1.5,
    { timeoutMs: 30_000, what: 'every delivery to be settled' },
  );
  const stored = await logger.entries(name);
  expect(stored).toHaveLength(EVENTS);
  expect(new Set(stored.map((entry) => entry.event_id))).toEqual(new Set(ids));
  expect(new Set(stored.map((entry) => entry.data)).size).toBe(EVENTS);
  expect(entries.length).toBe(EVENTS);
  expect(await publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
});
