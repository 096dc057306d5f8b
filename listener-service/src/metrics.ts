import { type Metrics, createMetrics } from '@ms/service-kit';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The kit's HTTP metrics plus what the listener did with the events it consumed. */
export interface ListenerMetrics extends Metrics {
  consumed: Counter;
  stored: Counter;
  retried: Counter;
  deadLettered: Counter<'reason'>;
  consuming: Gauge;
  batchSize: Histogram;
  batchSeconds: Histogram;
  lag: Histogram;
  queueMessages: Gauge<'queue'>;
}

/** Messages waiting in each of the listener's queues (work, retry, dead letter), by name. */
export type QueueDepthProbe = () => Promise<Record<string, number>>;

/**
 * `queueDepths`, when given, is asked on every scrape (Prometheus's pull: no polling in
 * between); a probe that fails or is not connected leaves the gauge without samples.
 */
export function createListenerMetrics(queueDepths?: QueueDepthProbe): ListenerMetrics {
  const metrics = createMetrics('listener-service');
  const registers = [metrics.registry];
  return {
    ...metrics,
    consumed: new Counter({
      name: 'listener_messages_consumed_total',
      help: 'Deliveries received from RabbitMQ (a retried event counts once per delivery)',
      registers,
    }),
    stored: new Counter({
      name: 'listener_messages_stored_total',
      help: 'Events the logger stored (or already had), then acknowledged',
      registers,
    }),
    retried: new Counter({
      name: 'listener_messages_retried_total',
      help: 'Failed deliveries sent to a retry queue to be tried again after a delay',
      registers,
    }),
    deadLettered: new Counter({
      name: 'listener_messages_dead_lettered_total',
      help: 'Events moved to the dead-letter queue, by reason',
      labelNames: ['reason'],
      registers,
    }),
    consuming: new Gauge({
      name: 'listener_consuming',
      help: '1 while connected to RabbitMQ and consuming the queue, 0 otherwise',
      registers,
    }),
    batchSize: new Histogram({
      name: 'listener_batch_size',
      help: 'Entries per batch sent to the logger',
      buckets: [1, 5, 10, 25, 50, 100, 200, 500, 1000],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'listener_batch_store_seconds',
      help: 'Time to store one batch (logger call, including split-up calls after a refusal)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    lag: new Histogram({
      name: 'listener_event_lag_seconds',
      help:
        "The pipeline's lag: from the broker's publish (the message's AMQP timestamp, whole " +
        'seconds, so up to 1 s more) to the event being stored, retries included',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    queueMessages: new Gauge({
      name: 'listener_queue_messages',
      help: "Messages waiting in the listener's queues (work, retry and dead-letter), by queue",
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        if (!queueDepths) return;
        const depths = await queueDepths().catch(() => ({}));
        for (const [queue, count] of Object.entries(depths)) this.set({ queue }, count);
      },
    }),
  };
}
