import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceProcess, eventually, freePort, uniqueName } from '@ms/testing';
import { usePipeline } from '../support/pipeline';

const EVENTS = 300;
// No listener in-process: the test runs its own, as child processes.
const pipeline = usePipeline({ listeners: 0 });
const { config, env, logger } = pipeline;
const children: ServiceProcess[] = [];

jest.setTimeout(120_000);

/** The listener as its own process, from source as `npm run dev` runs it. */
async function spawnListener(): Promise<ServiceProcess> {
  const listener = await ServiceProcess.start(
    'listener-service',
    { ...env, PORT: String(await freePort()), LOGGER_SERVICE_URL: logger.url },
    { readyTimeoutMs: 30_000 },
  );
  children.push(listener);
  return listener;
}

afterAll(async () => {
  for (const child of children) await child.kill();
});

it('loses nothing when the listener is killed mid-stream and started again', async () => {
  const name = uniqueName('killed_listener');
  const first = await spawnListener();

  const ids: string[] = [];
  const publishing = (async () => {
    for (let i = 0; i < EVENTS; i++) {
      ids.push(await pipeline.publisher.publishEvent(name, `event ${i}`));
      await sleep(5); // a steady stream, so that the kill lands in the middle of it
    }
  })();
  // Kill it once it is busy storing, while events are still being published.
  await eventually(async () => (await logger.entries(name)).length >= 30, {
    timeoutMs: 30_000,
    intervalMs: 20,
    what: 'the first events to be stored',
  });
  await first.kill();
  const killedAfter = ids.length;
  await publishing;
  const storedWhileDown = (await logger.entries(name)).length;

  await spawnListener();

  const entries = await eventually(
    async () => {
      const found = await logger.entries(name);
      return found.length >= EVENTS && found;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `all ${EVENTS} events to be stored` },
  );
  // It really was killed mid-stream: events were published after the kill and waited.
  expect(killedAfter).toBeLessThan(EVENTS);
  expect(storedWhileDown).toBeLessThan(EVENTS);
  expect(entries).toHaveLength(EVENTS);
  expect(new Set(entries.map((entry) => entry.event_id))).toEqual(new Set(ids));
  expect(await pipeline.publisher.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
});
