import type { Channel } from 'amqplib';
import { LOG_ROUTING_KEYS } from '@ms/service-kit/contracts';
import { declareLogsExchange } from '@ms/service-kit/amqp';

/** The names of everything the listener declares; tests pass unique ones. */
export interface ListenerTopology {
  /** The topic exchange the broker publishes log events on (logs_topic). */
  exchange: string;
  queue: string;
  deadLetterExchange: string;
  deadLetterQueue: string;
  /** One retry queue per delay. */
  retryDelaysMs: number[];
}

/** Where an event waits `delayMs` before it returns to the work queue. */
export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

/**
 * Declares (idempotently, after every reconnect):
 * - the durable topic exchange of log events (logs_topic);
 * - the durable work queue, bound to log.INFO, log.WARNING, log.ERROR, whose rejected
 *   messages go to the dead-letter exchange;
 * - the direct dead-letter exchange and the dead-letter queue bound to it under the work
 *   queue's name (so several listeners can share one dead-letter exchange);
 * - per retry delay, a queue without consumers whose messages expire after the delay and
 *   are then dead-lettered back into the work queue through the default exchange.
 */
export async function declareListenerTopology(
  channel: Channel,
  topology: ListenerTopology,
): Promise<void> {
  const { exchange, queue, deadLetterExchange, deadLetterQueue, retryDelaysMs } = topology;
  await declareLogsExchange(channel, exchange);
  await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
  await channel.assertQueue(deadLetterQueue, { durable: true });
  await channel.bindQueue(deadLetterQueue, deadLetterExchange, queue);
  await channel.assertQueue(queue, {
    durable: true,
    deadLetterExchange,
    deadLetterRoutingKey: queue,
  });
  for (const routingKey of LOG_ROUTING_KEYS) {
    await channel.bindQueue(queue, exchange, routingKey);
  }
  for (const delayMs of retryDelaysMs) {
    await channel.assertQueue(retryQueueName(queue, delayMs), {
      durable: true,
      messageTtl: delayMs,
      deadLetterExchange: '',
      deadLetterRoutingKey: queue,
    });
  }
}
