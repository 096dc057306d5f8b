import { commonConfigShape, envVar, logsExchangeVar, z } from '@ms/service-kit';

const retryDelays = envVar
  .list('1000,5000,15000,30000,60000')
  .pipe(
    z
      .array(z.coerce.number().int().min(1).max(3_600_000))
      .min(1, 'needs at least one delay in milliseconds'),
  );

export const configSchema = z.object({
  ...commonConfigShape,
  PORT: envVar.port(8084),
  AMQP_URL: envVar.url('amqp://guest:guest@127.0.0.1:5672'),
  LOGS_EXCHANGE: logsExchangeVar(),
  LOGGER_SERVICE_URL: envVar.url('http://127.0.0.1:8082'),
  LOGGER_TIMEOUT_MS: envVar.milliseconds(5000),
  /** The durable work queue bound to log.INFO, log.WARNING and log.ERROR. */
  LISTENER_QUEUE: envVar.string('logs.listener'),
  DEAD_LETTER_EXCHANGE: envVar.string('logs.dead'),
  DEAD_LETTER_QUEUE: envVar.string('logs.listener.dead').refine((name) => name.includes('dead'), {
    message: 'must contain "dead" so it is recognisable as a dead-letter queue',
  }),
  /** Unacknowledged messages the listener works on at once. */
  PREFETCH: envVar.positiveInt(50).pipe(z.number().max(1000)),
  /** Deliveries of one event before it is dead-lettered (1 = never retried). */
  MAX_ATTEMPTS: envVar.positiveInt(10),
  /** Wait before the 1st, 2nd, ... retry; the last one repeats. */
  RETRY_DELAYS_MS: retryDelays,
  AMQP_CONNECT_TIMEOUT_MS: envVar.milliseconds(5000),
});

export type ListenerConfig = z.infer<typeof configSchema>;
