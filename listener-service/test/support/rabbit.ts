import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { declareLogsExchange } from '@ms/service-kit/amqp';
import { infra } from '@ms/testing';
import { retryQueueName } from '../../src/amqp/topology';

export interface PublishOptions {
  messageId?: string;
  routingKey?: string;
  requestId?: string;
}

/**
 * Publishes straight to a listener's exchange (logs_topic in production), as the broker does:
 * persistent, with a messageId, confirmed.
 */
export class TestPublisher {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly exchange: string,
  ) {}

  static async open(exchange: string): Promise<TestPublisher> {
    const connection = await amqp.connect(infra().amqpUrl, { timeout: 5000 });
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    await declareLogsExchange(channel, exchange);
    return new TestPublisher(connection, channel, exchange);
  }

  /** Publishes `{"name","data"}`; resolves with the messageId once RabbitMQ confirmed. */
  async publishEvent(name: string, data: string, options: PublishOptions = {}): Promise<string> {
    const messageId = options.messageId ?? randomUUID();
    await this.publishRaw(Buffer.from(JSON.stringify({ name, data })), { ...options, messageId });
    return messageId;
  }

  publishRaw(content: Buffer, options: PublishOptions = {}): Promise<void> {
    const headers = options.requestId ? { 'x-request-id': options.requestId } : {};
    return new Promise((resolve, reject) => {
      this.channel.publish(
        this.exchange,
        options.routingKey ?? 'log.INFO',
        content,
        {
          persistent: true,
          contentType: 'application/json',
          messageId: options.messageId ?? randomUUID(),
          headers,
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  /** Takes everything waiting in a queue (acknowledged, so it is gone afterwards). */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: true });
      if (!message) return messages;
      messages.push(message);
    }
  }

  async deleteQueue(queue: string): Promise<void> {
    await this.channel.deleteQueue(queue);
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

export interface TopologyNames {
  LISTENER_QUEUE: string;
  DEAD_LETTER_EXCHANGE: string;
  LOGS_EXCHANGE: string;
  DEAD_LETTER_QUEUE: string;
  RETRY_DELAYS_MS: number[];
}

/** Removes what a test's listener declared (its queue names are unique to the test file). */
export async function deleteTopology(names: TopologyNames): Promise<void> {
  const connection = await amqp.connect(infra().amqpUrl, { timeout: 5000 });
  connection.on('error', () => undefined);
  try {
    const queues = [
      names.LISTENER_QUEUE,
      names.DEAD_LETTER_QUEUE,
      ...names.RETRY_DELAYS_MS.map((delay) => retryQueueName(names.LISTENER_QUEUE, delay)),
    ];
    for (const queue of queues) {
      // A fresh channel each time: deleting a queue that does not exist is harmless.
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.deleteExchange(names.DEAD_LETTER_EXCHANGE).catch(() => undefined);
    await channel.deleteExchange(names.LOGS_EXCHANGE).catch(() => undefined);
    await channel.close().catch(() => undefined);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
