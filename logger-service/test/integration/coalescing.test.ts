import { infra, requireMongo, uniqueName } from '@ms/testing';
import { type Db, MongoClient } from 'mongodb';
import { MongoLogStore } from '../../src/data/mongo-log-store';
import { LogEntries } from '../../src/domain/log-entries';
import type { NewLogDocument } from '../../src/domain/log-store';

// The domain over the real store on FerretDB, with the store's bulk writes counted.
let client: MongoClient;
let db: Db;
let store: MongoLogStore;
const bulkWrites: number[] = [];

beforeAll(async () => {
  await requireMongo();
  client = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 5000 });
  db = client.db(uniqueName('logs_coalescing'));
  store = new MongoLogStore(db);
  await store.ensureIndexes();
  const insertMany = store.insertMany.bind(store);
  store.insertMany = (entries: readonly NewLogDocument[]) => {
    bulkWrites.push(entries.length);
    return insertMany(entries);
  };
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

beforeEach(() => {
  bulkWrites.length = 0;
});

const count = (name: string) => db.collection('logs').countDocuments({ name });

describe('coalesced single writes on FerretDB', () => {
  it('stores 200 concurrent writes once each, in far fewer bulk writes', async () => {
    const entries = new LogEntries(store);
    const name = uniqueName('burst');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => entries.write({ name, data: `write ${i}` })),
    );
    expect(results.map((result) => result.outcome)).toEqual(Array(200).fill('stored'));
    expect(await count(name)).toBe(200);
    expect(bulkWrites.reduce((sum, size) => sum + size, 0)).toBe(200);
    expect(bulkWrites.length).toBeLessThanOrEqual(10);
  });

  it('answers each caller of a bulk write with duplicates in it: stored once', async () => {
    const entries = new LogEntries(store);
    const name = uniqueName('dup');
    const eventIds = Array.from({ length: 50 }, () => uniqueName('msg'));
    // Every event id twice in the same burst, plus 100 writes without one.
    const writes = [
      ...eventIds.map((event_id) => ({ name, data: 'x', event_id })),
      ...eventIds.map((event_id) => ({ name, data: 'x', event_id })),
      ...Array.from({ length: 100 }, (_, i) => ({ name, data: `plain ${i}` })),
    ];
    const results = await Promise.all(writes.map((write) => entries.write(write)));
    const outcomes = results.map((result) => result.outcome);
    expect(outcomes.slice(0, 50)).toEqual(Array(50).fill('stored'));
    expect(outcomes.slice(50, 100)).toEqual(Array(50).fill('duplicate'));
    expect(outcomes.slice(100)).toEqual(Array(100).fill('stored'));
    expect(await count(name)).toBe(150);
    expect(bulkWrites.length).toBeLessThan(20);
  });

  it('answers 503 past the queue bound instead of growing it', async () => {
    const entries = new LogEntries(store, { coalescing: { maxQueued: 50, maxBatchSize: 10 } });
    const name = uniqueName('bounded');
    const settled = await Promise.allSettled(
      Array.from({ length: 300 }, (_, i) => entries.write({ name, data: `write ${i}` })),
    );
    const refused = settled.filter((result) => result.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((result) => (result as PromiseRejectedResult).reason.status === 503)).toBe(
      true,
    );
    expect(await count(name)).toBe(300 - refused.length);
  });
});
