import { randomUUID } from 'node:crypto';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  type Logger,
  REQUEST_ID_HEADER,
  acceptRequestId,
  activeContext,
  batchSpanOptions,
  errorSummary,
  runInContext,
  runWithRequestId,
  withSpan,
  withTimeout,
} from '@ms/service-kit';
import { type LogWrite } from '@ms/service-kit/contracts';
import { type AmqpChannelModel } from '@ms/service-kit/amqp';
import { type BatchLimits, Batcher } from '../domain/batcher';
import type { Outcome } from '../domain/outcome';
import { parseEvent } from '../domain/parse-event';
import { type StoreBatchDeps, storeBatch } from '../domain/store-batch';
import type { ListenerMetrics } from '../metrics';
import { CopyPublisher } from './copy-publisher';
import { type ListenerTopology, declareListenerTopology, retryQueueName } from './topology';

/** Message header counting the failed deliveries of an event so far. */
export const ATTEMPTS_HEADER = 'x-attempts';
/** Message headers saying why an event was dead-lettered and what went wrong. */
export const DEAD_REASON_HEADER = 'x-dead-reason';
export const DEAD_ERROR_HEADER = 'x-dead-error';

/**
 * One channel with what belongs to it: deliveries must be acked on the channel they came
 * on, so each channel has its own batcher and a batch never mixes channels.
 */
interface Link {
  channel: ConfirmChannel;
  connection: AmqpChannelModel;
  copies: CopyPublisher;
  batcher: Batcher<PendingDelivery>;
  /** False once the channel closed: its unacked deliveries go back to the queue. */
  open: boolean;
}

interface Delivery {
  link: Link;
  message: ConsumeMessage;
  messageId: string | undefined;
  requestId: string;
  failedAttempts: number;
  /** The trace context it came with (the amqplib instrumentation's consume span). */
  trace: ReturnType<typeof activeContext>;
}

/** A delivery that parsed into an entry and waits in a batch. */
interface PendingDelivery extends Delivery {
  entry: LogWrite;
}

export interface LogEventConsumerOptions extends StoreBatchDeps {
  topology: ListenerTopology;
  prefetch: number;
  batch: BatchLimits;
  logger: Logger;
  metrics: ListenerMetrics;
}

/**
 * Consumes the work queue. A delivery that can never be stored (not JSON, wrong shape) is
 * dead-lettered at once; the others are batched and each batch is stored with one logger
 * call. Then each delivery gets what storeBatch decided for it, one by one: ack once
 * stored; for a retry, publish a copy with the attempt count to the retry queue of its
 * delay, then ack; for a dead letter, publish a copy with the reason to the dead-letter
 * exchange, then ack. Copies go over the confirm channel and the original is acked only
 * after RabbitMQ confirmed the copy, so a crash in between duplicates an event (the
 * logger stores it once) but never loses one. Acks are per message (never `allUpTo`:
 * with several batches in flight that would ack deliveries of an unfinished batch).
 */
export class LogEventConsumer {
  private link: Link | undefined;
  private consumerTag: string | undefined;
  /** A channel of its own for the queue-depth probe, so a failed check never closes the consumer's. */
  private probeChannel: Promise<Channel> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly options: LogEventConsumerOptions) {}

  get isConsuming(): boolean {
    return this.consumerTag !== undefined;
  }

  /** The AmqpConnection's onConnect: topology, prefetch, consume, on a fresh confirm channel. */
  readonly setUp = async (connection: AmqpChannelModel): Promise<void> => {
    const { logger, topology, prefetch, batch } = this.options;
    if (this.stopping) throw new Error('the consumer is stopping');
    const channel = await connection.createConfirmChannel();
    const link: Link = {
      channel,
      connection,
      copies: new CopyPublisher(channel),
      batcher: new Batcher(batch, (deliveries) => this.track(this.storeBatch(deliveries))),
      open: true,
    };
    channel.on('error', (err: Error) => {
      logger.warn({ err: errorSummary(err) }, 'RabbitMQ channel error');
    });
    channel.on('close', () => this.onChannelClosed(link));
    await declareListenerTopology(channel, topology);
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(
      topology.queue,
      (message) => this.onMessage(link, message),
      { noAck: false },
    );
    this.link = link;
    this.consumerTag = consumerTag;
    this.options.metrics.consuming.set(1);
    logger.info(
      { queue: topology.queue, prefetch, batchMaxEntries: batch.maxEntries },
      'consuming log events',
    );
  };

  /**
   * Stops taking deliveries, stores what is buffered and waits (up to timeoutMs) for every
   * batch in flight to be settled. Whatever is not settled by then stays unacked, and
   * RabbitMQ hands it out again once the connection is closed.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    const { link, consumerTag } = this;
    if (link && consumerTag) {
      this.markNotConsuming();
      await link.channel.cancel(consumerTag).catch(() => undefined);
    }
    const deadline = performance.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      (async () => {
        if (link?.open) await link.batcher.drain();
        await Promise.allSettled([...this.inFlight]);
      })(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // Close the channel before the connection is: amqplib queues each channel's frames
    // (the acks) in a buffer of its own, and a connection close can overtake them, which
    // would hand stored events out again. The channel's close-ok means RabbitMQ took them.
    if (link?.open) {
      const remainingMs = Math.max(100, deadline - performance.now());
      await withTimeout(() => link.channel.close(), remainingMs, 'closing the channel').catch(
        () => undefined,
      );
    }
  }

  /**
   * Messages waiting in the work queue, each retry queue and the dead-letter queue (for
   * /metrics). Throws while disconnected; each check is bounded by `timeoutMs`.
   */
  async queueDepths(timeoutMs = 1000): Promise<Record<string, number>> {
    const link = this.link;
    if (!link?.open) throw new Error('not connected');
    const { queue, deadLetterQueue, retryDelaysMs } = this.options.topology;
    const queues = [
      queue,
      ...retryDelaysMs.map((ms) => retryQueueName(queue, ms)),
      deadLetterQueue,
    ];
    this.probeChannel ??= link.connection.createChannel().then((channel) => {
      const forget = () => {
        this.probeChannel = undefined;
      };
      channel.on('close', forget);
      channel.on('error', forget);
      return channel;
    });
    const probe = this.probeChannel;
    const depths: Record<string, number> = {};
    await withTimeout(
      async () => {
        const channel = await probe;
        for (const name of queues) depths[name] = (await channel.checkQueue(name)).messageCount;
      },
      timeoutMs,
      'queue depth check',
    ).catch((err: unknown) => {
      if (this.probeChannel === probe) this.probeChannel = undefined;
      throw err;
    });
    return depths;
  }

  private onMessage(link: Link, message: ConsumeMessage | null): void {
    if (message === null) {
      // RabbitMQ cancelled the consumer (e.g. the queue was deleted): start over, which
      // re-declares the topology.
      this.options.logger.warn('RabbitMQ cancelled the consumer; reconnecting');
      this.markNotConsuming();
      link.connection.close().catch(() => undefined);
      return;
    }
    this.options.metrics.consumed.inc();
    const { properties } = message;
    const headers = properties.headers ?? {};
    const delivery: Delivery = {
      link,
      message,
      messageId: typeof properties.messageId === 'string' ? properties.messageId : undefined,
      requestId: acceptRequestId(headers[REQUEST_ID_HEADER]),
      failedAttempts: attemptsOf(headers[ATTEMPTS_HEADER]),
      trace: activeContext(),
    };
    const parsed = parseEvent({
      content: message.content,
      messageId: delivery.messageId,
      failedAttempts: delivery.failedAttempts,
    });
    if (parsed.kind === 'dead') {
      void this.track(this.settle(delivery, parsed)); // track() never rejects
      return;
    }
    link.batcher.add({ ...delivery, entry: parsed.entry }, entryBytes(delivery));
  }

  /**
   * One logger call for the batch, then each delivery settled on its own. Never rejects.
   *
   * Tracing: the batch is one span, `store log batch`, child of its FIRST delivery's
   * consume span (so a lone event's trace runs on unbroken from the broker to MongoDB)
   * and linked to the consume span of every delivery in it (each event's trace reaches
   * the batch through its link). Each delivery is then settled (ack, retry copy or dead
   * letter) in its own trace context.
   */
  private async storeBatch(batch: PendingDelivery[]): Promise<void> {
    const { logger, metrics } = this.options;
    metrics.batchSize.observe(batch.length);
    const endTimer = metrics.batchSeconds.startTimer();
    // A batch of one carries its event's request id to the logger, so a single request
    // is followed end to end. A larger batch carries an id of its own (the logger logs
    // it), and this line ties it to the request ids of the events in it.
    const only = batch.length === 1 ? batch[0] : undefined;
    const batchRequestId = only ? only.requestId : `batch-${randomUUID()}`;
    const span = batchSpanOptions(
      batch.map((delivery) => delivery.trace),
      { 'messaging.batch.message_count': batch.length },
    );
    const store = () =>
      runWithRequestId(batchRequestId, () => {
        if (!only) {
          logger.info(
            {
              batchRequestId,
              size: batch.length,
              requestIds: batch.map((delivery) => delivery.requestId),
            },
            'log batch sent to the logger',
          );
        }
        return storeBatch(batch, this.options);
      });
    const outcomes = await withSpan('store log batch', span, store);
    endTimer();
    await Promise.all(batch.map((delivery, index) => this.settle(delivery, outcomes[index]!)));
  }

  /** Carries out the outcome of one delivery, in its own trace; never rejects. */
  private async settle(delivery: Delivery, outcome: Outcome): Promise<void> {
    await runInContext(delivery.trace, () => this.settleInContext(delivery, outcome));
  }

  private async settleInContext(delivery: Delivery, outcome: Outcome): Promise<void> {
    await runWithRequestId(delivery.requestId, async () => {
      if (!delivery.link.open) {
        // Its channel is gone, so it can no longer be acked: RabbitMQ redelivers it (the
        // logger's event_id makes that safe if it was stored).
        this.options.logger.debug(
          { messageId: delivery.messageId, outcome: outcome.kind },
          'channel closed before the log event was settled; it will be redelivered',
        );
        return;
      }
      try {
        await this.carryOut(delivery, outcome);
      } catch (err) {
        // The message stays unacked. Recycling the connection re-declares the topology
        // (a deleted queue made the copy unroutable) and has RabbitMQ redeliver it.
        this.options.logger.warn(
          { err: errorSummary(err), messageId: delivery.messageId, outcome: outcome.kind },
          'could not settle a log event; reconnecting, it will be redelivered',
        );
        if (!this.stopping) delivery.link.connection.close().catch(() => undefined);
        return;
      }
      this.logOutcome(outcome, delivery.messageId);
    });
  }

  private async carryOut(delivery: Delivery, outcome: Outcome): Promise<void> {
    const { metrics, topology } = this.options;
    const { link, message } = delivery;
    switch (outcome.kind) {
      case 'stored':
        link.channel.ack(message);
        metrics.stored.inc();
        observeLag(metrics, message);
        return;
      case 'retry':
        await link.copies.publishCopy(
          '',
          retryQueueName(topology.queue, outcome.delayMs),
          message,
          { [ATTEMPTS_HEADER]: outcome.failedAttempts },
        );
        link.channel.ack(message);
        metrics.retried.inc();
        return;
      case 'dead':
        await link.copies.publishCopy(topology.deadLetterExchange, topology.queue, message, {
          [DEAD_REASON_HEADER]: outcome.reason,
          [DEAD_ERROR_HEADER]: outcome.error.slice(0, 500),
        });
        link.channel.ack(message);
        metrics.deadLettered.inc({ reason: outcome.reason });
        return;
    }
  }

  private logOutcome(outcome: Outcome, messageId: string | undefined): void {
    const { logger } = this.options;
    switch (outcome.kind) {
      case 'stored':
        logger.debug(
          { messageId, name: outcome.entry.name, duplicate: outcome.duplicate },
          'log event stored',
        );
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

  private track(work: Promise<void>): Promise<void> {
    const tracked = work
      .catch((err: unknown) => {
        // Not expected (settling handles every outcome); unacked, the message is redelivered.
        this.options.logger.error({ err: errorSummary(err) }, 'handling log events failed');
      })
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }

  private onChannelClosed(link: Link): void {
    link.open = false;
    // Buffered deliveries can no longer be acked; RabbitMQ hands them out again.
    const dropped = link.batcher.discard();
    if (dropped > 0) {
      this.options.logger.info(
        { dropped },
        'channel closed; buffered log events will be redelivered',
      );
    }
    if (this.link !== link) return;
    this.link = undefined;
    this.markNotConsuming();
    if (this.stopping) return;
    // A channel-level error closed only the channel: recycle the connection, so the kit
    // reconnects and setUp runs again. (If the connection itself dropped, this is a no-op.)
    this.options.logger.warn('RabbitMQ channel closed; reconnecting');
    link.connection.close().catch(() => undefined);
  }

  private markNotConsuming(): void {
    this.consumerTag = undefined;
    this.options.metrics.consuming.set(0);
  }
}

/** Publish (AMQP timestamp, in whole seconds) to stored; nothing when there is no timestamp. */
function observeLag(metrics: ListenerMetrics, message: ConsumeMessage): void {
  const published = Number(message.properties.timestamp);
  if (!Number.isFinite(published) || published <= 0) return;
  metrics.lag.observe(Math.max(0, Date.now() / 1000 - published));
}

function attemptsOf(header: unknown): number {
  const attempts = Number(header ?? 0);
  return Number.isInteger(attempts) && attempts >= 0 ? attempts : 0;
}

/**
 * The weight of a delivery's entry in the batch body: its AMQP body (re-serialising the
 * parsed name and data does not make ordinary UTF-8 JSON longer), its event id and the
 * keys around them. An estimate: should a batch still pass the logger's body limit, the
 * logger's 413 splits it (storeBatch).
 */
function entryBytes(delivery: Delivery): number {
  return delivery.message.content.length + (delivery.messageId?.length ?? 0) + 48;
}
