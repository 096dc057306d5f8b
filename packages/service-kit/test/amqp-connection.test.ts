import { type AddressInfo, Socket, createServer } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '@ms/service-kit';
import { LOGS_EXCHANGE } from '@ms/service-kit/contracts';
import {
  AmqpConnection,
  type AmqpChannelModel,
  type AmqpConnectionOptions,
  declareLogsExchange,
  redactUrl,
} from '@ms/service-kit/amqp';
import { eventually, freePort, infra, requireRabbitMq, uniqueName } from '@ms/testing';

const { amqpUrl } = infra();

function capturedLogger() {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger('amqp-test', { level: 'debug', destination }), lines };
}

/** Drops the TCP connection under amqplib, as a network failure would. */
function dropSocket(model: AmqpChannelModel): void {
  const socket = (model.connection as unknown as { stream: Socket }).stream;
  socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
}

beforeAll(async () => {
  await requireRabbitMq();
});

describe('AmqpConnection', () => {
  const opened: AmqpConnection[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((connection) => connection.close()));
  });

  /** A connection (to the test broker, doing nothing on connect, unless given), closed after the test. */
  function connectionWith(
    options: Pick<AmqpConnectionOptions, 'logger'> & Partial<AmqpConnectionOptions>,
  ): AmqpConnection {
    const connection = new AmqpConnection({
      url: amqpUrl,
      name: 'test',
      onConnect: async () => undefined,
      ...options,
    });
    opened.push(connection);
    return connection;
  }

  it("turns Nagle's algorithm off on its socket (confirms and acks must not wait ~40 ms)", async () => {
    const { logger } = capturedLogger();
    const calls: unknown[] = [];
    const setNoDelay = Socket.prototype.setNoDelay;
    Socket.prototype.setNoDelay = function (this: Socket, noDelay?: boolean) {
      calls.push(noDelay);
      return setNoDelay.call(this, noDelay);
    };
    try {
      await connectionWith({ logger }).start();
    } finally {
      Socket.prototype.setNoDelay = setNoDelay;
    }
    expect(calls).toEqual([true]);
  });

  it('connects, runs onConnect with a usable connection, and declares the logs exchange', async () => {
    const { logger } = capturedLogger();
    const queue = uniqueName('kit_amqp_exchange');
    const connection = connectionWith({
      logger,
      onConnect: async (model) => {
        const channel = await model.createChannel();
        channel.on('error', () => undefined);
        await declareLogsExchange(channel);
        await channel.assertQueue(queue, { exclusive: true });
        await channel.bindQueue(queue, LOGS_EXCHANGE, 'log.#');
      },
    });
    const connected = new Promise<void>((resolve) => connection.once('connected', resolve));

    await connection.start();
    await connected;

    expect(connection.isConnected).toBe(true);
    expect(connection.connection).toBeDefined();
    // The exchange exists, is a topic exchange and routes to the bound queue.
    const channel = await connection.connection!.createChannel();
    await channel.checkExchange(LOGS_EXCHANGE);
    channel.publish(LOGS_EXCHANGE, 'log.INFO', Buffer.from('{"name":"x","data":"y"}'));
    const message = await eventually(
      async () => (await channel.get(queue, { noAck: true })) || undefined,
    );
    expect(message.content.toString()).toBe('{"name":"x","data":"y"}');
    await channel.close();
  });

  it('closes: not connected afterwards, emits disconnected and does not reconnect', async () => {
    const { logger } = capturedLogger();
    const onConnect = jest.fn(async () => undefined);
    const connection = connectionWith({ logger, onConnect });
    await connection.start();
    const disconnected = jest.fn();
    connection.on('disconnected', disconnected);

    await connection.close();

    expect(connection.isConnected).toBe(false);
    expect(disconnected).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(onConnect).toHaveBeenCalledTimes(1);
    expect(connection.isConnected).toBe(false);
  });

  it('closes and retries the connection when onConnect throws', async () => {
    const { logger, lines } = capturedLogger();
    let calls = 0;
    const connection = connectionWith({
      logger,
      backoff: { initialDelayMs: 20, maxDelayMs: 50 },
      onConnect: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`topology failed ${calls}`);
      },
    });

    await connection.start();

    expect(calls).toBe(3);
    expect(connection.isConnected).toBe(true);
    const attempts = lines.filter((line) => line.msg === 'connecting to RabbitMQ');
    expect(attempts.map((line) => line.attempt)).toEqual([1, 2, 3]);
    expect(lines.some((line) => String(line.err).includes('topology failed 1'))).toBe(true);
  });

  it('reconnects by itself after the connection drops and runs onConnect again', async () => {
    const { logger, lines } = capturedLogger();
    const models: AmqpChannelModel[] = [];
    const connection = connectionWith({
      logger,
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
      onConnect: async (model) => {
        models.push(model);
      },
    });
    await connection.start();
    const disconnected = new Promise<void>((resolve) =>
      connection.once('disconnected', () => resolve()),
    );
    const reconnected = new Promise<void>((resolve) => connection.once('connected', resolve));

    dropSocket(models[0]!);
    await disconnected;
    expect(connection.isConnected).toBe(false);
    await reconnected;

    expect(connection.isConnected).toBe(true);
    expect(models).toHaveLength(2);
    expect(connection.connection).toBe(models[1]);
    expect(lines.some((line) => line.msg === 'RabbitMQ connection lost; reconnecting')).toBe(true);
    // The new connection works.
    const channel = await models[1]!.createChannel();
    await channel.checkExchange('amq.topic');
    await channel.close();
  });

  it('keeps trying an unreachable server, logging each attempt, until the signal aborts', async () => {
    const { logger, lines } = capturedLogger();
    const url = new URL(amqpUrl);
    url.port = String(await freePort());
    const controller = new AbortController();
    const connection = connectionWith({
      url: url.toString(),
      logger,
      backoff: { initialDelayMs: 20, maxDelayMs: 40 },
    });

    const starting = connection.start(controller.signal);
    await eventually(
      () => lines.filter((line) => line.msg === 'connecting to RabbitMQ').length >= 3,
    );
    controller.abort();

    await expect(starting).rejects.toThrow();
    expect(connection.isConnected).toBe(false);
    expect(lines.some((line) => String(line.msg).includes('not available yet'))).toBe(true);
    // The password never reaches a log line.
    expect(JSON.stringify(lines)).not.toContain(':guest@');
  });

  it('gives up a connect that does not complete within connectTimeoutMs', async () => {
    const { logger } = capturedLogger();
    // A server that accepts TCP but never speaks AMQP.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const controller = new AbortController();
    const connection = connectionWith({
      url: `amqp://guest:guest@127.0.0.1:${port}`,
      logger,
      connectTimeoutMs: 200,
      backoff: { initialDelayMs: 10, maxDelayMs: 10 },
    });
    const starting = connection.start(controller.signal);

    await eventually(() => sockets.length >= 2, { timeoutMs: 5000, what: 'a second attempt' });
    controller.abort();
    await expect(starting).rejects.toThrow();
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });
});

describe('redactUrl', () => {
  it('hides the password', () => {
    expect(redactUrl('amqp://guest:secret@rabbitmq:5672/vhost')).toBe(
      'amqp://guest:***@rabbitmq:5672/vhost',
    );
  });
});
