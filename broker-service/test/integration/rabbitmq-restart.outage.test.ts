// Stops and restarts the machine's RabbitMQ: run alone (see jest.config.js / project test script).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import request from 'supertest';
import { LOGS_EXCHANGE } from '@ms/service-kit/contracts';
import { REPO_ROOT, eventually, infra, requireDependency, uniqueName } from '@ms/testing';
import { type BrokerUnderTest, startBrokerWithoutDownstreams } from '../support/broker-process';

const run = promisify(execFile);
const { amqpUrl } = infra();
const rabbitmq = (command: 'stop' | 'start') =>
  run('bash', [path.join(REPO_ROOT, 'project/infra/rabbitmq.sh'), command], { timeout: 120_000 });

jest.setTimeout(180_000);

/** A durable queue of this test's own, so confirmed events can be counted after the restart. */
async function withChannel<T>(work: (connection: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(amqpUrl, { timeout: 5000 });
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('the broker across a RabbitMQ restart', () => {
  const queue = uniqueName('broker_outage');
  let broker: BrokerUnderTest;

  const publish = (data: string) =>
    request(broker.url)
      .post('/handle')
      .send({ action: 'log', log: { name: 'outage', data } });

  beforeAll(async () => {
    await requireDependency('RabbitMQ', amqpUrl, () =>
      withChannel(async (connection) => {
        const channel = await connection.createChannel();
        await channel.assertExchange(LOGS_EXCHANGE, 'topic', { durable: true });
        await channel.assertQueue(queue, { durable: true });
        await channel.bindQueue(queue, LOGS_EXCHANGE, 'log.INFO');
      }),
    );
    broker = await startBrokerWithoutDownstreams({ AMQP_URL: amqpUrl });
    await broker.amqpConnected;
  });

  afterAll(async () => {
    // Leave RabbitMQ running even if a test failed half-way.
    await rabbitmq('start');
    await broker?.stop();
    await withChannel(async (connection) => {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue);
    }).catch(() => undefined);
  });

  it('answers 503 fast while RabbitMQ is down, 202 again after it is back, without a restart', async () => {
    expect((await publish('before')).status).toBe(202);

    await rabbitmq('stop');
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const response = await publish(`during-${i}`);
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ error: true, message: 'event bus unavailable' });
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect((await request(broker.url).get('/readyz')).status).toBe(503);

    await rabbitmq('start');
    // The broker reconnects by itself (backoff) and re-declares the exchange.
    await eventually(async () => (await publish('after')).status === 202, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'the broker to publish again after RabbitMQ came back',
    });
    expect((await request(broker.url).get('/readyz')).status).toBe(200);

    // Every event answered 202 is in the durable queue, including the one from before the restart.
    const bodies = await withChannel(async (connection) => {
      const channel = await connection.createChannel();
      const found: string[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (!message) return found;
        found.push((JSON.parse(message.content.toString()) as { data: string }).data);
      }
    });
    expect(bodies[0]).toBe('before');
    expect(bodies).toContain('after');
    expect(bodies.filter((data) => data.startsWith('during'))).toEqual([]);
  });
});
