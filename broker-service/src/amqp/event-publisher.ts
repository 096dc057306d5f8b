import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  type Logger,
  REQUEST_ID_HEADER,
  UnavailableError,
  currentRequestId,
  errorSummary,
  withTimeout,
} from '@ms/service-kit';
import { type LogEntry, type LogSeverity, routingKeyFor } from '@ms/service-kit/contracts';
import { AmqpConnection, type AmqpChannelModel, declareLogsExchange } from '@ms/service-kit/amqp';
import type { EventPublisher } from '../domain/ports';

export interface AmqpEventPublisherOptions {
  url: string;
  /** The topic exchange of log events (logs_topic). */
  exchange: string;
  logger: Logger;
  /** How long a publish may wait for the broker's confirm (then 504). */
  publishTimeoutMs: number;
  /** Publishes awaiting a confirm at once; beyond that, 503 instead of an unbounded buffer. */
  maxInFlight: number;
}

const UNAVAILABLE = 'event bus unavailable';

/**
 * Publishes log events on the `logs_topic` exchange over ONE connection and ONE confirm
 * channel, re-created (and the exchange re-declared) after every reconnect. A publish
 * resolves only when RabbitMQ confirmed it; it is persistent, has a unique messageId and
 * carries the request id in a header. It is `mandatory`: an event no queue would receive
 * is refused (503) rather than silently dropped. While disconnected, publishes fail at once.
 */
export class AmqpEventPublisher implements EventPublisher {
  private readonly connection: AmqpConnection;
  private channel: ConfirmChannel | undefined;
  private blocked = false;
  private closing = false;
  private inFlight = 0;
  private readonly unroutable = new Set<string>();

  constructor(private readonly options: AmqpEventPublisherOptions) {
    this.connection = new AmqpConnection({
      url: options.url,
      name: 'broker',
      logger: options.logger,
      onConnect: (model) => this.openChannel(model),
    });
  }

  /** Connects in the background with backoff; resolves on the first successful connect. */
  start(signal?: AbortSignal): Promise<void> {
    return this.connection.start(signal);
  }

  get isReady(): boolean {
    return this.channel !== undefined && !this.blocked;
  }

  async publish(entry: LogEntry, severity: LogSeverity = 'INFO'): Promise<void> {
    const channel = this.channel;
    if (!channel || this.blocked) throw new UnavailableError(UNAVAILABLE);
    if (this.inFlight >= this.options.maxInFlight) {
      throw new UnavailableError('event bus is busy, try again later');
    }
    this.inFlight++;
    try {
      await withTimeout(
        () => this.publishConfirmed(channel, entry, severity),
        this.options.publishTimeoutMs,
        'event publish',
      );
    } finally {
      this.inFlight--;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.connection.close();
    this.channel = undefined;
  }

  private publishConfirmed(
    channel: ConfirmChannel,
    entry: LogEntry,
    severity: LogSeverity,
  ): Promise<void> {
    const messageId = randomUUID();
    const requestId = currentRequestId();
    const body = Buffer.from(JSON.stringify({ name: entry.name, data: entry.data }));
    return new Promise((resolve, reject) => {
      const onConfirm = (err: unknown) => {
        const wasReturned = this.unroutable.delete(messageId);
        if (err) reject(new UnavailableError(UNAVAILABLE, { cause: err }));
        else if (wasReturned) reject(new UnavailableError('no queue is bound for log events'));
        else resolve();
      };
      try {
        channel.publish(
          this.options.exchange,
          routingKeyFor(severity),
          body,
          {
            persistent: true,
            mandatory: true,
            messageId,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
            appId: 'broker-service',
            headers: requestId ? { [REQUEST_ID_HEADER]: requestId } : {},
          },
          onConfirm,
        );
      } catch (err) {
        // amqplib throws synchronously when the channel has just closed.
        reject(new UnavailableError(UNAVAILABLE, { cause: err }));
      }
    });
  }

  private async openChannel(model: AmqpChannelModel): Promise<void> {
    const { logger } = this.options;
    model.on('blocked', () => {
      this.blocked = true;
    });
    model.on('unblocked', () => {
      this.blocked = false;
    });
    this.blocked = false;
    const channel = await model.createConfirmChannel();
    channel.on('error', (err: Error) => {
      logger.warn({ err: errorSummary(err) }, 'RabbitMQ publish channel error');
    });
    channel.on('return', (message: ConsumeMessage) => {
      const messageId = message.properties.messageId as unknown;
      if (typeof messageId === 'string') this.unroutable.add(messageId);
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      if (this.closing) return;
      // If the channel closed on its own (not with the connection), reconnecting is what
      // gets a new one; on a connection that is already closing this is a no-op.
      Promise.resolve()
        .then(() => model.close())
        .catch(() => undefined);
    });
    await declareLogsExchange(channel, this.options.exchange);
    this.channel = channel;
  }
}
