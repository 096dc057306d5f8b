// Restarts the machine's RabbitMQ: run alone, after the other tests (project test script).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, REPO_ROOT, uniqueName } from '@ms/testing';
import { metricValue } from '../support/listener';
import { usePipeline } from '../support/pipeline';
import { TestPublisher } from '../support/rabbit';

const run = promisify(execFile);
const rabbitmq = (command: 'restart' | 'start') =>
  run('bash', [path.join(REPO_ROOT, 'project/infra/rabbitmq.sh'), command], { timeout: 120_000 });

const pipeline = usePipeline({
  // leave RabbitMQ running even if the test failed half-way
  beforeCleanUp: () => rabbitmq('start'),
});
const { config, logger } = pipeline;

jest.setTimeout(180_000);

it('resumes by itself after RabbitMQ restarts, losing none of the queued events', async () => {
  const name = uniqueName('rabbit_restart');
  const before = await TestPublisher.open(config.LOGS_EXCHANGE);
  const firstId = await before.publishEvent(name, 'before the restart');
  await eventually(async () => (await logger.entries(name)).length === 1);

  // Events that are still in the (durable) queue when RabbitMQ goes down.
  await logger.stop();
  const queuedIds: string[] = [];
  for (let i = 0; i < 20; i++) queuedIds.push(await before.publishEvent(name, `queued ${i}`));
  await before.close();

  const readiness: number[] = [];
  const polling = setInterval(() => {
    fetch(`${pipeline.listener.url}/readyz`)
      .then((response) => readiness.push(response.status))
      .catch(() => readiness.push(0));
  }, 100);
  try {
    await rabbitmq('restart');
    await logger.start();
    await eventually(async () => (await fetch(`${pipeline.listener.url}/readyz`)).status === 200, {
      timeoutMs: 60_000,
      what: 'the listener to consume again',
    });
  } finally {
    clearInterval(polling);
  }
  // It noticed the outage (not ready while RabbitMQ was down) and got over it alone.
  expect(readiness).toContain(503);
  expect(
    pipeline.listener.lines.some((line) => line.msg === 'RabbitMQ connection lost; reconnecting'),
  ).toBe(true);
  expect(
    pipeline.listener.lines.filter((line) => line.msg === 'consuming log events').length,
  ).toBeGreaterThanOrEqual(2);

  const after = await TestPublisher.open(config.LOGS_EXCHANGE);
  try {
    const lastId = await after.publishEvent(name, 'after the restart');
    const entries = await eventually(
      async () => {
        const found = await logger.entries(name);
        return found.length >= 22 && found;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'every event to be stored' },
    );
    expect(new Set(entries.map((entry) => entry.event_id))).toEqual(
      new Set([firstId, ...queuedIds, lastId]),
    );
    expect(entries).toHaveLength(22);
    expect(await after.messageCount(config.DEAD_LETTER_QUEUE)).toBe(0);
    expect(await metricValue(pipeline.listener.url, 'listener_consuming')).toBe(1);
  } finally {
    await after.close();
  }
});
