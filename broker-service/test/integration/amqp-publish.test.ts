import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import request from 'supertest';
import { LOGS_EXCHANGE } from '@ms/service-kit/contracts';
import { eventually, freePort, infra, requireDependency, uniqueName } from '@ms/testing';
import {
  type BrokerUnderTest,
  handleAtOnce,
  startBroker,
  startBrokerWithoutDownstreams,
} from '../support/broker-process';

/** The broker's publishes on the real RabbitMQ, read back from a queue of this test's own. */
describe('publishing log events on RabbitMQ', () => {
  const { amqpUrl } = infra();
  let connection: ChannelModel;
  let channel: Channel;
  let queue: string;
  let broker: BrokerUnderTest;
  const received: ConsumeMessage[] = [];

  beforeAll(async () => {
    await requireDependency('RabbitMQ', amqpUrl, async () => {
      connection = await amqp.connect(amqpUrl);
    });
    channel = await connection.createChannel();
    await channel.assertExchange(LOGS_EXCHANGE, 'topic', { durable: true });
    queue = uniqueName('broker_publish_test');
    await channel.assertQueue(queue, { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, LOGS_EXCHANGE, 'log.INFO');
    await channel.consume(queue, (message) => message && received.push(message), { noAck: true });
    // Downstream services are not needed here.
    broker = await startBrokerWithoutDownstreams({ AMQP_URL: amqpUrl });
    await broker.amqpConnected;
  });

  afterAll(async () => {
    await broker?.stop();
    await connection?.close();
  });

  const mine = (marker: string) =>
    received.filter((message) => message.content.toString().includes(marker));

  it('answers 202 "logged via RabbitMQ" and the event is persistent, identified and carries the request id', async () => {
    const marker = uniqueName('event');
    const response = await request(broker.url)
      .post('/handle')
      .set('X-Request-Id', `req-${marker}`)
      .send({ action: 'log', log: { name: 'event', data: marker } });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ error: false, message: 'logged via RabbitMQ' });

    const [message] = await eventually(() => (mine(marker).length ? mine(marker) : undefined), {
      what: 'the event on the test queue',
    });
    expect(JSON.parse(message!.content.toString())).toEqual({ name: 'event', data: marker });
    expect(message!.fields.routingKey).toBe('log.INFO');
    expect(message!.properties.deliveryMode).toBe(2);
    expect(message!.properties.contentType).toBe('application/json');
    expect(message!.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message!.properties.headers?.['x-request-id']).toBe(`req-${marker}`);
  });

  it('200 concurrent publishes are all confirmed (202) and all arrive, each with its own id', async () => {
    const marker = uniqueName('burst');
    const statuses = await handleAtOnce(broker.url, 200, (i) => ({
      action: 'log',
      via: 'rabbitmq',
      log: { name: 'burst', data: `${marker}-${i}` },
    }));
    expect(statuses).toEqual(Array(200).fill(202));
    const arrived = await eventually(
      () => (mine(marker).length >= 200 ? mine(marker) : undefined),
      {
        what: '200 events on the test queue',
      },
    );
    expect(arrived).toHaveLength(200);
    expect(new Set(arrived.map((message) => message.properties.messageId)).size).toBe(200);
  });

  it('GET / publishes a broker_hit event', async () => {
    const requestId = uniqueName('hit');
    const response = await request(broker.url).get('/').set('X-Request-Id', requestId);
    expect(response.status).toBe(202);
    const hit = await eventually(
      () => received.find((message) => message.properties.headers?.['x-request-id'] === requestId),
      { what: 'the broker_hit event' },
    );
    expect(JSON.parse(hit.content.toString())).toEqual({
      name: 'broker_hit',
      data: `hit GET / (request ${requestId})`,
    });
  });

  it('is ready when connected to RabbitMQ', async () => {
    const response = await request(broker.url).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.data.checks).toEqual({ rabbitmq: 'ok' });
  });
});

describe('publishing while RabbitMQ cannot be reached', () => {
  it('answers 503 at once (no buffering) and /readyz says why', async () => {
    const broker = await startBroker({
      AMQP_URL: `amqp://guest:guest@127.0.0.1:${await freePort()}`,
    });
    try {
      const started = Date.now();
      const response = await request(broker.url)
        .post('/handle')
        .send({ action: 'log', log: { name: 'event', data: 'lost?' } });
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ error: true, message: 'event bus unavailable' });
      expect(Date.now() - started).toBeLessThan(2000);
      const ready = await request(broker.url).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.message).toBe('not ready: rabbitmq');
      // GET / still answers: the hit event is a side effect
      expect((await request(broker.url).get('/')).status).toBe(202);
    } finally {
      await broker.stop();
    }
  });
});
