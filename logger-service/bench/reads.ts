/**
 * Newest-first read times at a large number of stored entries. Seeds a throwaway database
 * (on the MongoDB-wire server of the test infrastructure) through the store's own bulk
 * write, then times GET /logs's store call with and without a name, and the pre-bucket
 * query (a find sorted by created_at) for comparison. Drops the database at the end.
 * Not a test: numbers only.
 *
 *   npm run bench:reads -w logger-service                 # 200,000 entries
 *   BENCH_ENTRIES=50000 BENCH_REPEAT=9 npm run bench:reads -w logger-service
 */
import { loadavg } from 'node:os';
import { infra, uniqueName } from '@ms/testing';
import { MongoClient } from 'mongodb';
import { MongoLogStore } from '../src/data/mongo-log-store';
import type { NewLogDocument } from '../src/domain/log-store';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 200_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 7);
const SEED_BATCH = 1000;
const NAMES = ['event', 'log', 'broker_hit', 'authentication', 'mail', 'bench', 'grpc', 'rpc'];

function seedBatch(from: number, count: number): NewLogDocument[] {
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const at = new Date();
    // One entry in 5,000 has a rare name, the rest share eight names.
    const name = i % 5000 === 0 ? 'rare' : NAMES[i % NAMES.length]!;
    return {
      name,
      data: `bench entry ${i}`,
      event_id: `bench-${i}`,
      created_at: at,
      updated_at: at,
    };
  });
}

async function timeMs(work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const started = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

const fmt = (ms: number) => ms.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const client = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 5000 });
  const db = client.db(uniqueName('logs_bench_reads'));
  try {
    const store = new MongoLogStore(db);
    await store.ensureIndexes();
    const seedStarted = Date.now();
    for (let from = 0; from < ENTRIES; from += SEED_BATCH) {
      await store.insertMany(seedBatch(from, Math.min(SEED_BATCH, ENTRIES - from)));
    }
    console.log(`seeded ${ENTRIES} entries in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    // The writer answers its own newest entries from memory; a process that did not write
    // them (another logger, or this one after a restart) reads them from the database.
    const otherProcess = new MongoLogStore(db);
    console.log(
      `\n| read (${REPEAT} runs)                 | from     |   min ms |   p50 ms |   max ms |`,
    );
    console.log(
      '| ------------------------------------ | -------- | -------: | -------: | -------: |',
    );
    const cases: [string, { limit: number; name?: string }][] = [
      ['GET /logs?limit=1', { limit: 1 }],
      ['GET /logs?limit=20', { limit: 20 }],
      ['GET /logs?limit=50', { limit: 50 }],
      ['GET /logs?limit=500', { limit: 500 }],
      ['GET /logs?limit=50&name=event', { limit: 50, name: 'event' }],
      ['GET /logs?limit=50&name=rare', { limit: 50, name: 'rare' }],
      ['GET /logs?limit=50&name=absent', { limit: 50, name: 'absent' }],
    ];
    for (const [from, reader] of [
      ['memory', store],
      ['database', otherProcess],
    ] as const) {
      for (const [label, filter] of cases) {
        const times = await timeMs(() => reader.list(filter));
        console.log(
          `| ${label.padEnd(36)} | ${from.padEnd(8)} | ${fmt(times[0]!)} | ${fmt(times[Math.floor(times.length / 2)]!)} | ${fmt(times.at(-1)!)} |`,
        );
      }
    }
    if (process.env.BENCH_OLD_QUERY !== '0') {
      const started = Date.now();
      await db.collection('logs').find({}).sort({ created_at: -1, _id: -1 }).limit(50).toArray();
      console.log(
        `\nbefore buckets, find().sort({created_at:-1,_id:-1}).limit(50): ${Date.now() - started} ms`,
      );
    }
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
