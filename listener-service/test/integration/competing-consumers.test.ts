import { eventually, uniqueName } from '@ms/testing';
import { metricValue } from '../support/listener';
import { usePipeline } from '../support/pipeline';

const EVENTS = 2000;
// Two listeners with the same queue names: competing consumers of one queue.
const pipeline = usePipeline({ listeners: 2 });
const { config, logger } = pipeline;

jest.setTimeout(90_000);

it('stores each event exactly once when two listeners consume one queue', async () => {
  const name = uniqueName('competing');
  const ids: string[] = [];
  // In bursts of 200 confirmed at once, so that both listeners get busy.
  for (let start = 0; start < EVENTS; start += 200) {
    ids.push(
      ...(await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          pipeline.publisher.publishEvent(name, `event ${start + i}`),
        ),
      )),
    );
  }
  const storedBy = () =>
    Promise.all(
      pipeline.listeners.map((listener) =>
        metricValue(listener.url, 'listener_messages_stored_total'),
      ),
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
  expect(await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
  expect(await pipeline.publisher.messageCount(config.LISTENER_QUEUE)).toBe(0);
});
