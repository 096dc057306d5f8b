import type { StoredLogEntry } from '@ms/service-kit/contracts';
import { eventually, infra, requireMongo, uniqueName } from '@ms/testing';
import { type Db, MongoClient, ObjectId } from 'mongodb';
import request from 'supertest';
import { LEGACY_COLLECTION } from '../../src/data/legacy-migration';
import { LOGS_COLLECTION, MongoLogStore } from '../../src/data/mongo-log-store';
import { compareNewestFirst } from '../../src/data/newest-first-reader';
import type { LogDocument, NewLogDocument } from '../../src/domain/log-store';
import { startLogger, testConfig } from '../support/logger-under-test';

let client: MongoClient;
const databases: Db[] = [];

beforeAll(async () => {
  await requireMongo();
  client = new MongoClient(infra().mongoUrl, {
    serverSelectionTimeoutMS: 5000,
    monitorCommands: true,
  });
  client.on('commandStarted', (event) => {
    if (event.commandName === 'find' && event.command.find === LOGS_COLLECTION) logsQueries += 1;
  });
});

/** Queries on the logs collection itself (windows), as opposed to the small heads collection. */
let logsQueries = 0;

afterAll(async () => {
  for (const db of databases) await db.dropDatabase();
  await client?.close();
});

function scratchDb(prefix: string): Db {
  const db = client.db(uniqueName(prefix));
  databases.push(db);
  return db;
}

const nameOf = (i: number) =>
  i % 997 === 0 ? 'rare' : ['alpha', 'beta', 'gamma', 'delta'][i % 4]!;

function entries(count: number, from: number, startMs: number): NewLogDocument[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    // Four entries per millisecond: ties are broken by _id.
    const at = new Date(startMs + Math.floor(n / 4));
    return {
      name: nameOf(i),
      data: `entry ${i}`,
      event_id: `e-${i}`,
      created_at: at,
      updated_at: at,
    };
  });
}

/** The answer of a full sort of the whole collection: what every read must equal. */
async function expectedNewest(db: Db): Promise<(limit: number, name?: string) => string[]> {
  const all = (await db
    .collection(LOGS_COLLECTION)
    .find({}, { projection: { name: 1, created_at: 1 } })
    .toArray()) as { _id: ObjectId; name: string; created_at: Date }[];
  const sorted = all
    .map((d) => ({ id: d._id.toHexString(), name: d.name, created_at: d.created_at }))
    .sort((a, b) => compareNewestFirst(a as LogDocument, b as LogDocument));
  return (limit, name) =>
    sorted
      .filter((d) => name === undefined || d.name === name)
      .slice(0, limit)
      .map((d) => d.id);
}

const READS: [number, string | undefined][] = [
  [1, undefined],
  [20, undefined],
  [50, undefined],
  [500, undefined],
  [50, 'alpha'],
  [500, 'beta'],
  [50, 'rare'],
  [5, 'absent'],
];

describe('newest-first reads over buckets, on FerretDB', () => {
  it('answers 20,000 entries from two processes exactly like a full sort', async () => {
    const db = scratchDb('logs_newest');
    const first = new MongoLogStore(db, { incarnation: 'first' });
    const second = new MongoLogStore(db, { incarnation: 'second' });
    await first.ensureIndexes();
    const start = Date.UTC(2026, 0, 1);
    // Two processes writing at the same time: their batches interleave in time.
    for (let batch = 0; batch < 20; batch++) {
      const store = batch % 2 === 0 ? first : second;
      const outcomes = await store.insertMany(entries(1000, batch * 1000, start + batch * 200));
      expect(outcomes.every((outcome) => outcome === 'stored')).toBe(true);
    }

    const expected = await expectedNewest(db);
    // A writer answers its own stream from memory; a process that wrote nothing (or the
    // writer with memory off) reads every stream from the database.
    const reader = new MongoLogStore(db, { incarnation: 'reader' });
    const writerWithoutMemory = new MongoLogStore(db, {
      incarnation: 'first',
      recentInMemory: false,
    });
    // The last batch was second's: its 20 newest are in its memory, and first's newest entry
    // is older than all of them, so no window is read at all; another process must read one.
    logsQueries = 0;
    await second.list({ limit: 20 });
    expect(logsQueries).toBe(0);
    await reader.list({ limit: 20 });
    expect(logsQueries).toBe(1);

    for (const store of [first, second, reader, writerWithoutMemory]) {
      for (const [limit, name] of READS) {
        const listed = await store.list(name === undefined ? { limit } : { limit, name });
        expect({ limit, name, ids: listed.map((d) => d.id) }).toEqual({
          limit,
          name,
          ids: expected(limit, name),
        });
      }
    }
    // 20,000 inserts into FerretDB: about 10 s on an idle machine, 30 s and more when the
    // two cores are shared with builds
  }, 120_000);

  it('copies entries of the old layout at start-up and serves them newest first', async () => {
    const config = testConfig({ MONGO_DB: uniqueName('logs_legacy') });
    const db = client.db(config.MONGO_DB);
    databases.push(db);
    const start = Date.UTC(2025, 5, 1);
    const legacy = entries(2500, 0, start).map((entry) => ({ ...entry, _id: new ObjectId() }));
    await db.collection(LOGS_COLLECTION).insertMany(legacy);
    await db
      .collection(LOGS_COLLECTION)
      .createIndex({ event_id: 1 }, { unique: true, name: 'event_id_unique' });

    const logger = await startLogger(config);
    try {
      await eventually(
        async () => (await db.listCollections({ name: LEGACY_COLLECTION }).toArray()).length === 0,
        { timeoutMs: 30_000, what: 'logs_legacy to be copied and dropped' },
      );
      expect(await db.collection(LOGS_COLLECTION).countDocuments()).toBe(2500);

      const expected = await expectedNewest(db);
      for (const [limit, name] of READS) {
        const res = await request(logger.baseUrl)
          .get('/logs')
          .query(name === undefined ? { limit } : { limit, name })
          .expect(200);
        const listed = (res.body as { data: StoredLogEntry[] }).data.map((d) => d.id);
        expect({ limit, name, listed }).toEqual({ limit, name, listed: expected(limit, name) });
      }
      // Same ids as before the copy, and the event ids are still unique.
      const oldest = legacy[0]!;
      await request(logger.baseUrl).get(`/logs/${oldest._id.toHexString()}`).expect(200);
      await request(logger.baseUrl)
        .post('/log')
        .send({ name: 'alpha', data: 'again', event_id: oldest.event_id })
        .expect(202);
      expect(await db.collection(LOGS_COLLECTION).countDocuments()).toBe(2500);

      // New entries come first.
      await request(logger.baseUrl).post('/log').send({ name: 'alpha', data: 'new' }).expect(202);
      const newest = await request(logger.baseUrl).get('/logs').query({ limit: 1 }).expect(200);
      expect(newest.body.data[0]).toMatchObject({ data: 'new' });
    } finally {
      await logger.stop();
    }
  });
});
