import { UnavailableError } from '@ms/service-kit';
import { requireMongo, uniqueName } from '@ms/testing';
import { LoggerClient } from '../../src/clients/logger-client';
import { RefusedBatchError } from '../../src/domain/logger-service';
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
  it('stores a batch with one result per entry, in order, and each event_id once', async () => {
    const name = uniqueName('client');
    const [a, b, c] = ['a', 'b', 'c'].map((id) => ({ name, data: id, event_id: uniqueName(id) }));
    expect(await client.storeBatch([a!, b!])).toEqual([{ status: 'stored' }, { status: 'stored' }]);
    expect(await client.storeBatch([c!, a!])).toEqual([
      { status: 'stored' },
      { status: 'duplicate' },
    ]);

    const entries = await logger.entries(name);
    expect(entries.map((entry) => entry.data).sort()).toEqual(['a', 'b', 'c']);
  });

  it('gets an entry the logger refuses rejected on its own, the others stored', async () => {
    const name = uniqueName('client_rejected');
    const results = await client.storeBatch([
      { name, data: 'good', event_id: uniqueName('good') },
      { name: ' ', data: 'no name', event_id: uniqueName('bad') },
    ]);
    expect(results[0]).toEqual({ status: 'stored' });
    expect(results[1]).toEqual({ status: 'rejected', error: expect.stringContaining('name') });
    expect(await logger.entries(name)).toHaveLength(1);
  });

  it('reports a request refused as a whole (never worth sending again as it is)', async () => {
    await expect(client.storeBatch([])).rejects.toBeInstanceOf(RefusedBatchError);
  });

  it('reports a stopped logger as unavailable (worth a retry), not as refused', async () => {
    await logger.stop();
    try {
      const error = await client
        .storeBatch([{ name: 'x', data: 'y' }])
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).not.toBeInstanceOf(RefusedBatchError);
    } finally {
      await logger.start();
    }
  });
});
