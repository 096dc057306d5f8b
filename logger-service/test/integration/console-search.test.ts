import { infra, requireMongo, uniqueName } from '@ms/testing';
import { type Db, MongoClient } from 'mongodb';
import { MongoLogStore } from '../../src/data/mongo-log-store';
import { compareNewestFirst } from '../../src/data/newest-first-reader';
import { PARTITION_MS } from '../../src/data/time-partitions';
import type { LogDocument, LogSearchFilter } from '../../src/domain/log-store';

let client: MongoClient;
let db: Db;
let stores: MongoLogStore[];
const START = Math.floor(Date.UTC(2026, 3, 1) / PARTITION_MS) * PARTITION_MS;
const TOTAL = 3000;
/** 3,000 entries over about 7 partitions. */
const atOf = (i: number) => new Date(START + i * 1400);
const nameOf = (i: number) => (i % 97 === 0 ? 'rare' : ['a', 'b', 'c'][i % 3]!);
const unlimited = { deadline: Number.MAX_SAFE_INTEGER, maxWindows: 10_000 };

beforeAll(async () => {
  await requireMongo();
  client = new MongoClient(infra().mongoUrl, { serverSelectionTimeoutMS: 5000 });
  db = client.db(uniqueName('logs_console'));
  stores = [
    new MongoLogStore(db, { incarnation: 'one' }),
    new MongoLogStore(db, { incarnation: 'two' }),
  ];
  await stores[0]!.ensureIndexes();
  for (let first = 0; first < TOTAL; first += 250) {
    const batch = Array.from({ length: 250 }, (_, n) => {
      const i = first + n;
      return {
        name: nameOf(i),
        data: `entry ${i}${i % 11 === 0 ? ' Needle' : ''}`,
        event_id: `c-${i}`,
        created_at: atOf(i),
        updated_at: atOf(i),
      };
    });
    await stores[(first / 250) % 2]!.insertMany(batch);
  }
}, 120_000);

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

/** Every entry from the main collection, filtered and sorted in memory: the truth. */
async function truth(filter: Omit<LogSearchFilter, 'limit' | 'deadline' | 'maxWindows'>) {
  const all = (await stores[0]!.logs.find({}).toArray()).map((d) => ({
    id: d._id.toHexString(),
    name: d.name,
    data: d.data,
    created_at: d.created_at,
  })) as LogDocument[];
  return all
    .filter(
      (d) =>
        (filter.name === undefined || d.name === filter.name) &&
        (filter.q === undefined || d.data.toLowerCase().includes(filter.q.toLowerCase())) &&
        (filter.from === undefined || d.created_at >= filter.from) &&
        (filter.before === undefined ||
          compareNewestFirst(d, {
            created_at: filter.before.at,
            id: filter.before.id,
          } as LogDocument) > 0),
    )
    .sort(compareNewestFirst)
    .map((d) => d.id);
}

async function pageThrough(
  filter: Omit<LogSearchFilter, 'deadline' | 'maxWindows'>,
  budget = unlimited,
) {
  const seen: string[] = [];
  let before = filter.before;
  for (let pages = 0; pages < 500; pages++) {
    const page = await stores[1]!.search({ ...filter, before, ...budget });
    seen.push(...page.entries.map((e) => e.id));
    if (!page.next) return { seen, pages: pages + 1 };
    before = page.next;
  }
  throw new Error('too many pages');
}

describe('the console search on FerretDB (time partitions)', () => {
  it.each<[string, Omit<LogSearchFilter, 'limit' | 'deadline' | 'maxWindows'>]>([
    ['everything', {}],
    ['one name', { name: 'b' }],
    ['a rare name', { name: 'rare' }],
    ['an absent name', { name: 'absent' }],
    ['text in any case', { q: 'NEEDLE' }],
    ['a time range', { from: atOf(700), before: { at: atOf(2100), id: 'f'.repeat(24) } }],
    [
      'name, text and range',
      { name: 'a', q: 'needle', from: atOf(300), before: { at: atOf(2900), id: 'f'.repeat(24) } },
    ],
  ])('pages through %s by cursor exactly like a full filter and sort', async (_case, filter) => {
    const expected = await truth(filter);
    for (const limit of [17, 200]) {
      expect((await pageThrough({ ...filter, limit })).seen).toEqual(expected);
    }
  });

  it('stops at its budget, says so, and the cursor goes on without a gap', async () => {
    const first = await stores[0]!.search({
      q: 'entry 12',
      limit: 50,
      deadline: Number.MAX_SAFE_INTEGER,
      maxWindows: 1,
    });
    expect(first.stoppedBy).toBe('window_limit');
    expect(first.next).toBeDefined();
    const { seen } = await pageThrough(
      { q: 'entry 12', limit: 50 },
      { ...unlimited, maxWindows: 1 },
    );
    expect(seen).toEqual(await truth({ q: 'entry 12' }));
    const late = await stores[0]!.search({ q: 'nothing', limit: 5, deadline: 0, maxWindows: 100 });
    expect(late.stoppedBy).toBe('deadline');
  });

  it('deletes one entry from the search too', async () => {
    const [entry] = (await stores[0]!.search({ name: 'c', limit: 1, ...unlimited })).entries;
    expect(await stores[0]!.deleteById(entry!.id)).toBe(true);
    expect(await stores[0]!.deleteById(entry!.id)).toBe(false);
    const after = await stores[1]!.search({ name: 'c', limit: 5, ...unlimited });
    expect(after.entries.map((e) => e.id)).not.toContain(entry!.id);
    expect(await stores[0]!.findById(entry!.id)).toBeUndefined();
  });
});
