// The console's search and deletes at 200,000 entries on FerretDB, where only equality
// filters reach Postgres (ranges and sorts run in memory) and one delete of over 65,535
// documents fails. Slow by nature: the inserts alone take minutes on a shared machine.
import type { StoredLogEntry } from '@ms/service-kit/contracts';
import { MongoLogStore } from '../../src/data/mongo-log-store';
import type { NewLogDocument } from '../../src/domain/log-store';
import { useLoggerWithDatabase } from '../support/logger-under-test';

const TOTAL = 200_000;
const BATCH = 1000;
/** Ending about now, so a text search's default range (the last 24 hours) covers half. */
const START = Date.now() - 48 * 3_600_000;
/** 200,000 entries over 48 hours. */
const STEP_MS = 864;
const NAMES = ['alpha', 'beta', 'gamma', 'delta'];
const nameOf = (i: number) => (i % 1009 === 0 ? 'rare' : NAMES[i % 4]!);
const atOf = (i: number) => new Date(START + i * STEP_MS);
const iso = (i: number) => atOf(i).toISOString();

const system = useLoggerWithDatabase({}, { timeoutMs: 60_000 });

interface Page {
  entries: StoredLogEntry[];
  next_cursor: string | null;
  complete: boolean;
  stopped_by?: string;
  from: string | null;
}

const timings: Record<string, number> = {};

async function searchOnce(query: Record<string, string | number>): Promise<[Page, number]> {
  const started = performance.now();
  const res = await system.http.get('/logs/search').query(query);
  const ms = performance.now() - started;
  expect(res.status).toBe(200);
  return [(res.body as { data: Page }).data, ms];
}

/** With a label: run three times and record the median (the machine is shared). */
async function search(query: Record<string, string | number>, label?: string): Promise<Page> {
  const [page, ms] = await searchOnce(query);
  if (!label) return page;
  const times = [ms, (await searchOnce(query))[1], (await searchOnce(query))[1]];
  timings[label] = Math.round(times.sort((a, b) => a - b)[1]!);
  return page;
}

/** The entry numbers of a page, from their data ("entry <i>"). */
const numbers = (page: Page) => page.entries.map((entry) => Number(entry.data.split(' ')[1]));

/** What a full scan would answer: entry numbers newest first. */
function expected(filter: (i: number) => boolean, fromI: number, toI: number, limit: number) {
  const found: number[] = [];
  for (let i = toI; i >= fromI && found.length < limit; i--) if (filter(i)) found.push(i);
  return found;
}

describe(`console search at ${TOTAL.toLocaleString('en')} entries (FerretDB)`, () => {
  beforeAll(async () => {
    // Two processes, interleaved in time, as after a restart or with two replicas.
    const db = system.database.db;
    const stores = [
      new MongoLogStore(db, { incarnation: 'sizeone', recentInMemory: false }),
      new MongoLogStore(db, { incarnation: 'sizetwo', recentInMemory: false }),
    ];
    const started = performance.now();
    for (let first = 0; first < TOTAL; first += BATCH) {
      const documents: NewLogDocument[] = [];
      for (let i = first; i < first + BATCH; i++) {
        documents.push({
          name: nameOf(i),
          data: `entry ${i} ${i % 7 === 0 ? 'payment failed' : 'ok'}`,
          event_id: `size-${i}`,
          created_at: atOf(i),
          updated_at: atOf(i),
        });
      }
      // Batches alternate between the processes, so each one's stream spans the whole range.
      await stores[(first / BATCH) % 2]!.insertMany(documents);
    }
    timings.insert = Math.round(performance.now() - started);
    expect(await system.database.count()).toBe(TOTAL);
  }, 1_500_000);

  afterAll(() => {
    // The README quotes these numbers.
    console.log(`search at ${TOTAL} entries (ms): ${JSON.stringify(timings)}`);
  });

  it('name + time range in the middle: exact, and under 200 ms', async () => {
    const [fromI, toI] = [100_000, 104_000];
    const query = { name: 'alpha', from: iso(fromI), to: iso(toI), limit: 50 };
    const page = await search(query, 'name+range');
    expect(numbers(page)).toEqual(expected((i) => nameOf(i) === 'alpha', fromI, toI, 50));
    expect(page.complete).toBe(true);
    expect(timings['name+range']).toBeLessThan(200);

    // The next page from the cursor: as fast, and continuing exactly.
    const next = await search({ ...query, cursor: page.next_cursor! }, 'name+range next page');
    const all = expected((i) => nameOf(i) === 'alpha', fromI, toI, 100);
    expect(numbers(next)).toEqual(all.slice(50));
    expect(timings['name+range next page']).toBeLessThan(200);
  });

  it('time range without a name (bounded), and the newest page of a name (under 200 ms)', async () => {
    const page = await search({ from: iso(150_000), to: iso(150_500), limit: 100 }, 'range');
    expect(numbers(page)).toEqual(expected(() => true, 150_000, 150_500, 100));
    // Without a name every document of a partition leaves Postgres (FerretDB filters the range
    // in its own memory): measured 180-340 ms here, so only bounded, not held to 200 ms.
    expect(timings.range).toBeLessThan(1000);

    const newest = await search({ name: 'beta', limit: 50 }, 'name newest');
    expect(numbers(newest)).toEqual(expected((i) => nameOf(i) === 'beta', 0, TOTAL - 1, 50));
    expect(timings['name newest']).toBeLessThan(200);

    const rare = await search({ name: 'rare', to: iso(120_000), limit: 20 }, 'rare name, to');
    expect(numbers(rare)).toEqual(expected((i) => nameOf(i) === 'rare', 0, 120_000, 20));
    expect(timings['rare name, to']).toBeLessThan(200);
  });

  it('pages through a whole range by cursor: every entry once, newest first', async () => {
    const [fromI, toI] = [60_000, 61_999];
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search({
        name: 'gamma',
        from: iso(fromI),
        to: iso(toI),
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...numbers(page));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(expected((i) => nameOf(i) === 'gamma', fromI, toI, 10_000));
  });

  it('free text: bounded by the default range and the deadline, and says when it stopped', async () => {
    // A word in 1 entry of 7: a page fills fast.
    const common = await search({ q: 'PAYMENT', limit: 50 }, 'text, common');
    expect(common.from).not.toBeNull(); // the default range was applied
    expect(numbers(common)).toEqual(expected((i) => i % 7 === 0, 0, TOTAL - 1, 50));
    // One entry in 200,000 (and outside the default 24 h): the search stops at its budget
    // or the range, never scans for long, and says so.
    const rareText = await search({ q: 'entry 4242 ', limit: 10 }, 'text, rare');
    expect(rareText.entries).toEqual([]);
    if (!rareText.complete) {
      expect(rareText.stopped_by).toMatch(/deadline|window_limit/);
      expect(rareText.next_cursor).toEqual(expect.any(String));
    }
    expect(timings['text, rare']).toBeLessThan(3000);
    // With a range around it, the entry is found.
    const found = await search(
      { q: 'entry 4242 ', from: iso(4000), to: iso(4500) },
      'text, ranged',
    );
    expect(numbers(found)).toEqual([4242]);
  });

  it('deletes one entry, then every entry, at this size', async () => {
    const page = await search({ name: 'delta', limit: 1 });
    const id = page.entries[0]!.id;
    await system.http.delete(`/logs/${id}`).expect(202);
    await system.http.get(`/logs/${id}`).expect(404);
    await system.http.delete(`/logs/${id}`).expect(404);
    const after = await search({ name: 'delta', limit: 1 });
    expect(after.entries[0]!.id).not.toBe(id);

    const started = performance.now();
    const res = await system.http.delete('/logs');
    timings['delete all'] = Math.round(performance.now() - started);
    expect(res.status).toBe(202);
    expect(await system.database.count()).toBe(0);
    expect((await search({ limit: 10 })).entries).toEqual([]);
    const listed = await system.http.get('/logs').expect(200);
    expect(listed.body.data).toEqual([]);

    // Writing goes on as before.
    await system.http
      .post('/log')
      .send({ name: 'after', data: 'written after delete-all' })
      .expect(202);
    const again = await search({ name: 'after' });
    expect(again.entries.map((entry) => entry.data)).toEqual(['written after delete-all']);
  });
});
