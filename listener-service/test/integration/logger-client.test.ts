import { UnavailableError } from '@ms/service-kit';
import { requireMongo, uniqueName } from '@ms/service-kit/testing';
import { LoggerClient } from '../../src/data/logger-client';
import { RejectedEntryError } from '../../src/domain/log-store';
import { RealLogger } from '../support/real-logger';

const logger = new RealLogger();
let client: LoggerClient;

beforeAll(async () => {
  await requireMongo();
  await logger.start();
  client = new LoggerClient({ baseUrl: logger.url, timeoutMs: 2000 });
});

afterAll(async () => {
  await client.close();
  await logger.dispose();
});

describe('LoggerClient against the real logger', () => {
  it('stores an entry once per event_id', async () => {
    const name = uniqueName('client');
    const event_id = uniqueName('event');
    await client.store({ name, data: 'once', event_id });
    await client.store({ name, data: 'once', event_id });

    const entries = await logger.entries(name);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name, data: 'once', event_id });
  });

  it('reports an entry the logger refuses as rejected (never worth a retry)', async () => {
    await expect(client.store({ name: 'x', data: 'x'.repeat(70_000) })).rejects.toBeInstanceOf(
      RejectedEntryError,
    );
  });

  it('reports a stopped logger as unavailable (worth a retry), not as rejected', async () => {
    await logger.stop();
    try {
      const error = await client.store({ name: 'x', data: 'y' }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).not.toBeInstanceOf(RejectedEntryError);
    } finally {
      await logger.start();
    }
  });
});
