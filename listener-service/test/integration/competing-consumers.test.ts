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

const EVENTS = 2000;
const logger = new RealLogger();
// Two listeners with the same queue names: competing consumers of one queue.
const env = listenerEnv();
const config = listenerConfig(env);
const listeners: ListenerUnderTest[] = [];
let publisher: TestPublisher;

jest.setTimeout(90_000);

beforeAll(async () => {
  await requireRabbitMq();
  await requireMongo();
  await logger.start();
  for (let i = 0; i < 2; i++) {
    listeners.push(await startListener(listenerConfig({ ...env, LOGGER_SERVICE_URL: logger.url })));
  }
  publisher = await TestPublisher.open(config.LOGS_EXCHANGE);
});

afterAll(async () => {
  for (const listener of listeners) await listener.stop();
  await publisher?.close();
  await deleteTopology(config);
  await logger.dispose();
});

it('stores each event exactly once when two listeners consume one queue', async () => {
  const name = uniqueName('competing');
  const ids: string[] = [];
  // In bursts of 200 confirmed at once, so that both listeners get busy.
  for (let start = 0; start < EVENTS; start += 200) {
    ids.push(
      ...(await Promise.all(
        Array.from({ length: 200 }, (_, i) => publisher.publishEvent(name, `event ${start + i}`)),
      )),
    );
  }
  const storedBy = () =>
    Promise.all(
      listeners.map((listener) => metricValue(listener.url, 'listener_messages_stored_total')),
    );

  await eventually(async () => (await storedBy()).reduce((sum, n) => sum + n, 0) >= EVENTS, {
    timeoutMs: 60_000,
    intervalMs: 250,
    what: `all ${EVENTS} events to be acknowledged`,
  });
  const perListener = await storedBy();
  const stored = await logger.eventIds(name);

  expect(stored).toHaveLength(EVENTS);
  expect(new Set(stored)).toEqual(new Set(ids));
  // Both took part, and no delivery was settled twice.
  expect(perListener.every((count) => count > 0)).toBe(true);
  expect(perListener[0]! + perListener[1]!).toBe(EVENTS);
  expect(await publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
  expect(await publisher.messageCount(config.LISTENER_QUEUE)).toBe(0);
});
