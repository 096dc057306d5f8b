import { createLogger } from '@ms/service-kit';
import { eventually, infra, requireMongo, uniqueName } from '@ms/testing';
import { type Db, MongoClient } from 'mongodb';
import { globalHeadId } from '../../src/data/log-layout';
import { LOGS_COLLECTION, MongoLogStore } from '../../src/data/mongo-log-store';
import { MongoRetentionStore } from '../../src/data/mongo-retention-store';
import { compareNewestFirst } from '../../src/data/newest-first-reader';
import type { LogDocument, NewLogDocument } from '../../src/domain/log-store';
import { RetentionTask } from '../../src/domain/retention';
import { startLogger, testConfig } from '../support/logger-under-test';

let client: MongoClient;
const databases: Db[] = [];

beforeAll(async () => {
  await requireMongo();
  client = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 5000 });
});

afterAll(async () => {
  for (const db of databases) await db.dropDatabase();
  await client?.close();
});

const DAY = 24 * 3600 * 1000;
// Groups of 50 entries (buckets of 10), so a test needs hundreds of entries, not tens of thousands.
const SMALL = { bucketEntries: 10, groupBuckets: 5 };

function entries(count: number, name: string, start: Date): NewLogDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(start.getTime() + i);
    return { name, data: `${i}`, event_id: uniqueName('e'), created_at: at, updated_at: at };
  });
}

async function newestIds(db: Db, limit: number, name?: string): Promise<string[]> {
  const all = await db
    .collection(LOGS_COLLECTION)
    .find(name === undefined ? {} : { name }, { projection: { created_at: 1 } })
    .toArray();
  return all
    .map((d) => ({ id: d._id.toHexString(), created_at: d.created_at as Date }) as LogDocument)
    .sort(compareNewestFirst)
    .slice(0, limit)
    .map((d) => d.id);
}

function retentionTask(db: Db, store: MongoLogStore, days: number, maxEntries: number) {
  // No grace for groups written to lately: this test writes and removes at once.
  return new RetentionTask(new MongoRetentionStore(db, store, 0), {
    policy: { days, maxEntries },
    intervalMs: 60_000,
    logger: createLogger('logger-service', { level: 'silent' }),
  });
}

describe('retention on FerretDB', () => {
  it('removes old groups by age, then by count, and reads stay exact', async () => {
    const db = client.db(uniqueName('logs_retention'));
    databases.push(db);
    const now = Date.now();
    // A process that stopped long ago, with entries of its own name only.
    const gone = new MongoLogStore(db, { incarnation: 'gone', sizes: SMALL });
    await gone.ensureIndexes();
    await gone.insertMany(entries(120, 'gone-name', new Date(now - 90 * DAY)));
    // A running process: 200 entries 40 days old (4 groups), then 120 recent ones.
    const live = new MongoLogStore(db, { incarnation: 'live', sizes: SMALL });
    await live.insertMany(entries(200, 'old', new Date(now - 40 * DAY)));
    await live.insertMany(entries(120, 'recent', new Date(now - 1000)));
    const count = () => db.collection(LOGS_COLLECTION).countDocuments();
    expect(await count()).toBe(440);

    const byAge = await retentionTask(db, live, 30, 0).runOnce();
    expect(byAge).toBe(320);
    expect(await count()).toBe(120);
    expect(await db.collection(LOGS_COLLECTION).countDocuments({ name: 'recent' })).toBe(120);
    // The finished process left nothing behind; the running one reads from its floor.
    expect(await live.streams.countDocuments({ inc: 'gone' })).toBe(0);
    expect(await live.streams.findOne({ _id: globalHeadId('live') })).toMatchObject({ floor: 20 });
    expect(await live.streams.countDocuments({ scope: 'n|old' })).toBe(0);
    for (const [limit, name] of [[500], [20], [500, 'recent'], [5, 'old']] as const) {
      const listed = await live.list(name === undefined ? { limit } : { limit, name });
      expect(listed.map((d) => d.id)).toEqual(await newestIds(db, limit, name));
    }

    // Groups written to in the last minute may still have entries on their way: left alone.
    const graceful = new RetentionTask(new MongoRetentionStore(db, live), {
      policy: { days: 0, maxEntries: 60 },
      intervalMs: 60_000,
      logger: createLogger('logger-service', { level: 'silent' }),
    });
    expect(await graceful.runOnce()).toBe(0);

    // 120 left in groups of 50, 50 and 20 (the last one still being filled).
    const byCount = await retentionTask(db, live, 0, 60).runOnce();
    expect(byCount).toBe(50);
    expect(await count()).toBe(70);
    expect((await live.list({ limit: 500 })).map((d) => d.id)).toEqual(await newestIds(db, 500));

    // Nothing more to do: the current group is never removed to meet the count.
    expect(await retentionTask(db, live, 0, 1).runOnce()).toBe(50);
    expect(await retentionTask(db, live, 0, 1).runOnce()).toBe(0);
    expect(await count()).toBe(20);
  });

  it('runs periodically in the service and logs what it removed', async () => {
    const config = testConfig({
      MONGO_DB: uniqueName('logs_retention_service'),
      LOG_RETENTION_DAYS: '30',
      LOG_RETENTION_INTERVAL_MS: '200',
    });
    const db = client.db(config.MONGO_DB);
    databases.push(db);
    // Entries of an earlier process, written 60 days ago.
    const earlier = new MongoLogStore(db, { sizes: SMALL });
    await earlier.ensureIndexes();
    await earlier.insertMany(entries(100, 'ancient', new Date(Date.now() - 60 * DAY)));
    const logger = await startLogger(config);
    try {
      await eventually(
        async () =>
          logger.logs.lines.some(
            (line) => line.msg === 'retention removed old log entries' && line.removed === 100,
          ),
        { timeoutMs: 10_000, what: 'retention to log what it removed' },
      );
      expect(await db.collection(LOGS_COLLECTION).countDocuments()).toBe(0);
      // Later passes find nothing more and stay quiet.
      const passes = logger.logs.lines.length;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(logger.logs.lines.slice(passes)).toEqual([]);
    } finally {
      await logger.stop();
    }
  });
});
