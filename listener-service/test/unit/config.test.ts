import { parseConfig } from '@ms/service-kit';
import { itParsesConfig } from '@ms/testing';
import { configSchema } from '../../src/config';

describe('listener config', () => {
  itParsesConfig(configSchema, {
    defaults: {
      PORT: 8084,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      LOGGER_SERVICE_URL: 'http://127.0.0.1:8082',
      LISTENER_QUEUE: 'logs.listener',
      DEAD_LETTER_EXCHANGE: 'logs.dead',
      DEAD_LETTER_QUEUE: 'logs.listener.dead',
      PREFETCH: 1000,
      BATCH_MAX_ENTRIES: 200,
      BATCH_MAX_BYTES: 1024 * 1024,
      BATCH_MAX_WAIT_MS: 10,
      BATCH_MAX_IN_FLIGHT: 2,
      MAX_ATTEMPTS: 10,
      RETRY_DELAYS_MS: [1000, 5000, 15000, 30000, 60000],
      LOGGER_TIMEOUT_MS: 5000,
    },
    refuses: [
      [{ DEAD_LETTER_QUEUE: 'logs.failed' }, 'DEAD_LETTER_QUEUE'],
      [{ PREFETCH: '0' }, 'PREFETCH'],
      [{ PREFETCH: '20000' }, 'PREFETCH'],
      [{ PREFETCH: '100' }, 'PREFETCH'], // below the default BATCH_MAX_ENTRIES (200)
      [{ BATCH_MAX_ENTRIES: '1001' }, 'BATCH_MAX_ENTRIES'], // over the logger's LOG_BATCH_MAX_ENTRIES
      [{ BATCH_MAX_BYTES: String(5 * 1024 * 1024) }, 'BATCH_MAX_BYTES'], // over half the logger's limit
      [{ BATCH_MAX_WAIT_MS: '-1' }, 'BATCH_MAX_WAIT_MS'],
      [{ BATCH_MAX_IN_FLIGHT: '0' }, 'BATCH_MAX_IN_FLIGHT'],
      [{ RETRY_DELAYS_MS: '100,soon' }, 'RETRY_DELAYS_MS'],
      [{ MAX_ATTEMPTS: '0' }, 'MAX_ATTEMPTS'],
      [{ AMQP_URL: 'not a url' }, 'AMQP_URL'],
    ],
  });

  it('reads the retry delays as a list of milliseconds', () => {
    expect(parseConfig(configSchema, { RETRY_DELAYS_MS: '200, 400,800' }).RETRY_DELAYS_MS).toEqual([
      200, 400, 800,
    ]);
  });

  it('accepts a prefetch as small as the batch', () => {
    const config = parseConfig(configSchema, { PREFETCH: '10', BATCH_MAX_ENTRIES: '10' });
    expect(config).toMatchObject({ PREFETCH: 10, BATCH_MAX_ENTRIES: 10 });
  });
});
