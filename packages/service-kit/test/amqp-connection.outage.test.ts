// Restarts the machine's RabbitMQ: run alone (see jest.config.js / project test script).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@ms/service-kit';
import { AmqpConnection, declareLogsExchange } from '@ms/service-kit/amqp';
import { REPO_ROOT, infra, requireRabbitMq, uniqueName } from '@ms/testing';

const run = promisify(execFile);
const { amqpUrl } = infra();
const rabbitmq = (command: 'restart' | 'start') =>
  run('bash', [path.join(REPO_ROOT, 'project/infra/rabbitmq.sh'), command], { timeout: 120_000 });

jest.setTimeout(180_000);

beforeAll(async () => {
  await requireRabbitMq();
});

afterAll(async () => {
  // Leave RabbitMQ running even if a test failed half-way.
  await rabbitmq('start');
});

it('survives a RabbitMQ restart: reconnects by itself and runs onConnect again', async () => {
  const logger = createLogger('amqp-outage-test', { level: 'silent' });
  const queue = uniqueName('kit_amqp_outage');
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
  let setups = 0;
  const connection = new AmqpConnection({
    url: amqpUrl,
    name: 'outage-test',
    logger,
    backoff: { initialDelayMs: 100, maxDelayMs: 1000 },
    onConnect: async (model) => {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      await declareLogsExchange(channel);
      await channel.assertQueue(queue, { durable: false });
      setups += 1;
    },
  });
  const events: string[] = [];
  connection.on('connected', () => events.push('connected'));
  connection.on('disconnected', () => events.push('disconnected'));
  try {
    await connection.start();
    const reconnected = new Promise<void>((resolve) =>
      connection.on('connected', () => setups >= 2 && resolve()),
    );

    await rabbitmq('restart');
    await reconnected;

    expect(connection.isConnected).toBe(true);
    expect(setups).toBe(2);
    expect(events).toEqual(['connected', 'disconnected', 'connected']);
    const channel = await connection.connection!.createChannel();
    await channel.checkQueue(queue);
    await channel.deleteQueue(queue);
    await channel.close();
    expect(unhandled).toEqual([]);
  } finally {
    process.off('uncaughtException', onUnhandled);
    process.off('unhandledRejection', onUnhandled);
    await connection.close();
  }
});
