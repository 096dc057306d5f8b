import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  type AmqpChannelModel,
  type Logger,
  REQUEST_ID_HEADER,
  acceptRequestId,
  errorSummary,
  runWithRequestId,
} from '@ms/service-kit';
import {
  type IncomingEvent,
  type Outcome,
  type ProcessEventDeps,
  processEvent,
} from '../domain/process-event';
import type { ListenerMetrics } from '../metrics';
import { CopyPublisher } from './copy-publisher';
import { type ListenerTopology, declareListenerTopology, retryQueueName } from './topology';

/** Message header counting the failed deliveries of an event so far. */
export const ATTEMPTS_HEADER = 'x-attempts';
/** Message headers saying why an event was dead-lettered and what went wrong. */
export const DEAD_REASON_HEADER = 'x-dead-reason';
export const DEAD_ERROR_HEADER = 'x-dead-error';

/** The channel a delivery came on (acks must go there), its connection and copy publisher. */
interface Link {
  channel: ConfirmChannel;
  connection: AmqpChannelModel;
  copies: CopyPublisher;
}

export interface LogEventConsumerOptions extends ProcessEventDeps {
  topology: ListenerTopology;
  prefetch: number;
  logger: Logger;
  metrics: ListenerMetrics;
}

/**
 * Consumes the work queue and carries out what processEvent decides for each delivery:
 * ack once stored; for a retry, publish a copy with the attempt count to the retry queue
 * of its delay, then ack; for a dead letter, publish a copy with the reason to the
 * dead-letter exchange, then ack. Copies go over the confirm channel and the original is
 * acked only after RabbitMQ confirmed the copy, so a crash in between duplicates an event
 * (the logger stores it once) but never loses one.
 */
export class LogEventConsumer {
  private channel: ConfirmChannel | undefined;
  private consumerTag: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly options: LogEventConsumerOptions) {}

  get isConsuming(): boolean {
    return this.consumerTag !== undefined;
  }

  /** The AmqpConnection's onConnect: topology, prefetch, consume, on a fresh confirm channel. */
  readonly setUp = async (connection: AmqpChannelModel): Promise<void> => {
    const { logger, topology, prefetch } = this.options;
    if (this.stopping) throw new Error('the consumer is stopping');
    const channel = await connection.createConfirmChannel();
    channel.on('error', (err: Error) => {
      logger.warn({ err: errorSummary(err) }, 'RabbitMQ channel error');
    });
    channel.on('close', () => this.onChannelClosed(channel, connection));
    const copies = new CopyPublisher(channel);
    await declareListenerTopology(channel, topology);
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(
      topology.queue,
      (message) => this.onMessage({ channel, connection, copies }, message),
      { noAck: false },
    );
    this.channel = channel;
    this.consumerTag = consumerTag;
    this.options.metrics.consuming.set(1);
    logger.info({ queue: topology.queue, prefetch }, 'consuming log events');
  };

  /** Stops taking deliveries and waits (up to timeoutMs) for the ones in hand to finish. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const { channel, consumerTag } = this;
    if (channel && consumerTag) {
      this.markNotConsuming();
      await channel.cancel(consumerTag).catch(() => undefined);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private onMessage(link: Link, message: ConsumeMessage | null): void {
    const { connection } = link;
    if (message === null) {
      // RabbitMQ cancelled the consumer (e.g. the queue was deleted): start over, which
      // re-declares the topology.
      this.options.logger.warn('RabbitMQ cancelled the consumer; reconnecting');
      this.markNotConsuming();
      connection.close().catch(() => undefined);
      return;
    }
    const handling = this.handle(link, message)
      .catch((err: unknown) => {
        // Not expected (handle settles every outcome); unacked, the message is redelivered.
        this.options.logger.error({ err: errorSummary(err) }, 'handling a log event failed');
      })
      .finally(() => this.inFlight.delete(handling));
    this.inFlight.add(handling);
  }

  private async handle(link: Link, message: ConsumeMessage): Promise<void> {
    const { properties } = message;
    const headers = properties.headers ?? {};
    const requestId = acceptRequestId(headers[REQUEST_ID_HEADER]);
    await runWithRequestId(requestId, async () => {
      this.options.metrics.consumed.inc();
      const event: IncomingEvent = {
        content: message.content,
        messageId: typeof properties.messageId === 'string' ? properties.messageId : undefined,
        failedAttempts: attemptsOf(headers[ATTEMPTS_HEADER]),
      };
      const outcome = await processEvent(event, this.options);
      try {
        await this.carryOut(link, message, outcome);
      } catch (err) {
        // The message stays unacked. Recycling the connection re-declares the topology
        // (a deleted queue made the copy unroutable) and has RabbitMQ redeliver it.
        this.options.logger.warn(
          { err: errorSummary(err), messageId: event.messageId, outcome: outcome.kind },
          'could not settle a log event; reconnecting, it will be redelivered',
        );
        if (!this.stopping) link.connection.close().catch(() => undefined);
        return;
      }
      this.logOutcome(outcome, event);
    });
  }

  private async carryOut(link: Link, message: ConsumeMessage, outcome: Outcome): Promise<void> {
    const { metrics, topology } = this.options;
    const { channel, copies } = link;
    switch (outcome.kind) {
      case 'stored':
        channel.ack(message);
        metrics.stored.inc();
        return;
      case 'retry':
        await copies.publishCopy('', retryQueueName(topology.queue, outcome.delayMs), message, {
          [ATTEMPTS_HEADER]: outcome.failedAttempts,
        });
        channel.ack(message);
        metrics.retried.inc();
        return;
      case 'dead':
        await copies.publishCopy(topology.deadLetterExchange, topology.queue, message, {
          [DEAD_REASON_HEADER]: outcome.reason,
          [DEAD_ERROR_HEADER]: outcome.error.slice(0, 500),
        });
        channel.ack(message);
        metrics.deadLettered.inc({ reason: outcome.reason });
        return;
    }
  }

  private logOutcome(outcome: Outcome, event: IncomingEvent): void {
    const { logger } = this.options;
    const messageId = event.messageId;
    switch (outcome.kind) {
      case 'stored':
        logger.debug({ messageId, name: outcome.entry.name }, 'log event stored');
        return;
      case 'retry':
        logger.warn(
          {
            messageId,
            attempt: outcome.failedAttempts,
            delayMs: outcome.delayMs,
            err: outcome.error,
          },
          `storing a log event failed; retrying in ${outcome.delayMs} ms`,
        );
        return;
      case 'dead':
        logger.error(
          { messageId, reason: outcome.reason, err: outcome.error },
          'log event moved to the dead-letter queue',
        );
        return;
    }
  }

  private onChannelClosed(channel: ConfirmChannel, connection: AmqpChannelModel): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.markNotConsuming();
    if (this.stopping) return;
    // A channel-level error closed only the channel: recycle the connection, so the kit
    // reconnects and setUp runs again. (If the connection itself dropped, this is a no-op.)
    this.options.logger.warn('RabbitMQ channel closed; reconnecting');
    connection.close().catch(() => undefined);
  }

  private markNotConsuming(): void {
    this.consumerTag = undefined;
    this.options.metrics.consuming.set(0);
  }
}

function attemptsOf(header: unknown): number {
  const attempts = Number(header ?? 0);
  return Number.isInteger(attempts) && attempts >= 0 ? attempts : 0;
}
