import { z } from 'zod';
import { commonConfigShape, envVar } from '@ms/service-kit';
import {
  LOG_BATCH_MAX_BYTES,
  LOG_BATCH_MAX_ENTRIES,
  logsExchangeVar,
} from '@ms/service-kit/contracts';

const retryDelays = envVar
  .list('1000,5000,15000,30000,60000')
  .pipe(
    z
      .array(z.coerce.number<string>().int().min(1).max(3_600_000))
      .min(1, 'needs at least one delay in milliseconds'),
  );

const KIB = 1024;

export const configSchema = z
  .object({
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
    /** Unacknowledged messages the listener holds at once (buffered, being stored, settling). */
    PREFETCH: envVar.positiveInt(1000).pipe(z.number().max(10_000)),
    /** Most events stored with one logger call. */
    BATCH_MAX_ENTRIES: envVar.positiveInt(200).pipe(z.number().max(LOG_BATCH_MAX_ENTRIES)),
    /** Most bytes of entries in one logger call (one entry larger than this goes alone). */
    BATCH_MAX_BYTES: envVar.positiveInt(1024 * KIB).pipe(
      z
        .number()
        .min(16 * KIB)
        .max(LOG_BATCH_MAX_BYTES / 2),
    ),
    /** How long a partial batch may wait for more events while another batch is being stored. */
    BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(10),
    /** Logger calls in flight at once, so that RabbitMQ deliveries and storing overlap. */
    BATCH_MAX_IN_FLIGHT: envVar.positiveInt(2).pipe(z.number().max(16)),
    /** Deliveries of one event before it is dead-lettered (1 = never retried). */
    MAX_ATTEMPTS: envVar.positiveInt(10),
    /** Wait before the 1st, 2nd, ... retry; the last one repeats. */
    RETRY_DELAYS_MS: retryDelays,
    AMQP_CONNECT_TIMEOUT_MS: envVar.milliseconds(5000),
  })
  .refine((config) => config.PREFETCH >= config.BATCH_MAX_ENTRIES, {
    message: 'must be at least BATCH_MAX_ENTRIES, or no batch could ever fill up',
    path: ['PREFETCH'],
  });

export type ListenerConfig = z.infer<typeof configSchema>;
