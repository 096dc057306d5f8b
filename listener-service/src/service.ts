import { Readiness, ServiceResources, type StartDeps, createHttpApp } from '@ms/service-kit';
import { AmqpConnection } from '@ms/service-kit/amqp';
import { LogEventConsumer } from './amqp/log-event-consumer';
import type { ListenerConfig } from './config';
import { LoggerClient } from './clients/logger-client';
import { RetryPolicy } from './domain/retry-policy';
import { createListenerMetrics } from './metrics';

export const SERVICE_NAME = 'listener-service';

export interface RunningListener {
  /** The health/metrics HTTP port. */
  port: number;
  /** Stops consuming, stores what is buffered, lets batches in flight finish, closes RabbitMQ, then the HTTP server. */
  stop(): Promise<void>;
}

/**
 * Serves /healthz /readyz /metrics at once, then connects to RabbitMQ (with backoff,
 * until connected or aborted) and consumes; resolves once consuming.
 */
export function start(
  config: ListenerConfig,
  { logger, signal }: StartDeps,
): Promise<RunningListener> {
  // queue depths are read on each scrape, from the consumer's connection
  const metrics = createListenerMetrics(() => consumer.queueDepths());
  const retryPolicy = new RetryPolicy(config.MAX_ATTEMPTS, config.RETRY_DELAYS_MS);
  const store = new LoggerClient({
    baseUrl: config.LOGGER_SERVICE_URL,
    timeoutMs: config.LOGGER_TIMEOUT_MS,
  });
  const consumer = new LogEventConsumer({
    topology: {
      exchange: config.LOGS_EXCHANGE,
      queue: config.LISTENER_QUEUE,
      deadLetterExchange: config.DEAD_LETTER_EXCHANGE,
      deadLetterQueue: config.DEAD_LETTER_QUEUE,
      retryDelaysMs: retryPolicy.distinctDelaysMs,
    },
    prefetch: config.PREFETCH,
    batch: {
      maxEntries: config.BATCH_MAX_ENTRIES,
      maxBytes: config.BATCH_MAX_BYTES,
      maxWaitMs: config.BATCH_MAX_WAIT_MS,
      maxInFlight: config.BATCH_MAX_IN_FLIGHT,
    },
    store,
    retryPolicy,
    logger,
    metrics,
  });
  const connection = new AmqpConnection({
    url: config.AMQP_URL,
    name: 'listener',
    logger,
    connectTimeoutMs: config.AMQP_CONNECT_TIMEOUT_MS,
    onConnect: consumer.setUp,
  });

  const readiness = new Readiness(logger).add('rabbitmq', () => {
    if (!connection.isConnected || !consumer.isConsuming) {
      throw new Error('not connected to RabbitMQ or not consuming');
    }
  });
  const app = createHttpApp({
    service: SERVICE_NAME,
    logger,
    corsOrigins: config.CORS_ORIGINS,
    readiness,
    metrics,
    routes: () => undefined,
  });
  return ServiceResources.open(async (resources) => {
    // Closed in reverse: consuming stops, then RabbitMQ, the logger client, and last the
    // health server, which keeps answering while the rest drains.
    const { port } = await resources.serveHttp(app, config.PORT);
    resources.add('logger client', store, (client) => client.close());
    resources.add('rabbitmq connection', connection, (amqp) => amqp.close());
    resources.onClose('consumer', () => consumer.stop(config.SHUTDOWN_TIMEOUT_MS / 2));
    logger.info({ port }, 'listener-service health and metrics listening');
    await connection.start(signal);
    return { port, stop: () => resources.closeAll() };
  });
}
