import { RecentEntries, type RecentEntriesLimits } from '../../src/data/recent-entries';
import { type PlacedDocument, StreamSequencer } from '../../src/data/stream-sequencer';
import type { InsertOutcome } from '../../src/domain/log-store';

const START = Date.UTC(2026, 0, 1);

function setup(limits: Partial<RecentEntriesLimits> = {}) {
  const sequencer = new StreamSequencer('inc', { bucketEntries: 10, groupBuckets: 10 });
  const recent = new RecentEntries({
    perStream: 600,
    nameStreams: 1000,
    maxBytes: 1e9,
    ...limits,
  });
  let n = 0;
  const place = (count: number, name = 'a', data = 'x'): PlacedDocument[] =>
    sequencer.place(
      Array.from({ length: count }, () => {
        const at = new Date(START + n++);
        return { name, data, event_id: `e${n}`, created_at: at, updated_at: at };
      }),
    );
  const stored = (placed: PlacedDocument[]): InsertOutcome[] => placed.map(() => 'stored');
  const data = (entries: { data: string }[] | undefined) => entries?.map((e) => e.data);
  return { sequencer, recent, place, stored, data };
}

const all = { floor: 0 };

describe('RecentEntries', () => {
  it('answers the newest entries of the stream, newest first', () => {
    const { recent, place, stored } = setup();
    const placed = place(30);
    recent.add(placed, stored(placed));
    const newest = recent.newest(undefined, 5, all)!;
    expect(newest.map((e) => e.id)).toEqual(
      placed
        .slice(-5)
        .reverse()
        .map((p) => p.document._id.toHexString()),
    );
    // The whole stream, from its first entry, when it holds fewer than the limit.
    expect(recent.newest(undefined, 500, all)).toHaveLength(30);
    expect(recent.newest('a', 500, all)).toHaveLength(30);
    expect(recent.newest('b', 5, all)).toBeUndefined();
  });

  it('does not answer across a bulk write still running, then does once it finished', () => {
    const { recent, place, stored } = setup();
    const earlier = place(10);
    const later = place(10);
    recent.add(later, stored(later));
    expect(recent.newest(undefined, 5, all)).toHaveLength(5);
    expect(recent.newest(undefined, 15, all)).toBeUndefined();
    recent.add(earlier, stored(earlier));
    expect(recent.newest(undefined, 15, all)).toHaveLength(15);
  });

  it('leaves out duplicates but knows their positions', () => {
    const { recent, place } = setup();
    const placed = place(4);
    recent.add(placed, ['stored', 'duplicate', 'stored', 'duplicate']);
    expect(recent.newest(undefined, 10, all)).toHaveLength(2);
  });

  it('after a failed write, forgets all and answers only what came after, once it is enough', () => {
    const { sequencer, recent, place, stored } = setup();
    const before = place(20);
    recent.add(before, stored(before));
    const inFlight = place(10);
    const failed = place(10);
    recent.forgetUpTo(sequencer.placedCount);
    // A write placed before the failure finishes afterwards: its outcome is not trusted.
    recent.add(inFlight, stored(inFlight));
    expect(recent.newest(undefined, 1, all)).toBeUndefined();
    void failed;
    const after = place(10);
    recent.add(after, stored(after));
    expect(recent.newest(undefined, 10, all)).toHaveLength(10);
    expect(recent.newest(undefined, 11, all)).toBeUndefined();
  });

  it('keeps perStream entries per stream and then no longer claims the whole stream', () => {
    const { recent, place, stored } = setup({ perStream: 50 });
    const placed = place(80);
    recent.add(placed, stored(placed));
    expect(recent.newest(undefined, 50, all)).toHaveLength(50);
    expect(recent.newest(undefined, 51, all)).toBeUndefined();
  });

  it('leaves out entries below the floor and older than notBefore', () => {
    const { recent, place, stored } = setup();
    const placed = place(30); // buckets of 10: 0, 1, 2
    recent.add(placed, stored(placed));
    expect(recent.newest(undefined, 500, { floor: 2 })).toHaveLength(10);
    const notBefore = new Date(START + 25);
    expect(recent.newest(undefined, 500, { floor: 0, notBefore })).toHaveLength(5);
  });

  it('keeps one stream per name, forgetting the least recently written first', () => {
    const { recent, place, stored, data } = setup({ nameStreams: 2 });
    for (const name of ['a', 'b', 'a', 'c']) {
      const placed = place(3, name, name);
      recent.add(placed, stored(placed));
    }
    expect(data(recent.newest('a', 10, all))).toEqual(['a', 'a', 'a', 'a', 'a', 'a']);
    expect(recent.newest('b', 10, all)).toBeUndefined();
    expect(recent.newest('c', 10, all)).toHaveLength(3);
    // A forgotten name is known again only from its next entry on.
    const again = place(2, 'b', 'b');
    recent.add(again, stored(again));
    expect(recent.newest('b', 2, all)).toHaveLength(2);
    expect(recent.newest('b', 3, all)).toBeUndefined();
  });

  it('stays within maxBytes, forgetting name streams first, then the oldest entries', () => {
    const { recent, place, stored } = setup({ maxBytes: 20_000 });
    const big = 'x'.repeat(1000);
    const placed = place(30, 'big', big);
    recent.add(placed, stored(placed));
    expect(recent.newest('big', 1, all)).toBeUndefined();
    const kept = recent.newest(undefined, 30, all);
    expect(kept).toBeUndefined();
    expect(recent.newest(undefined, 15, all)).toHaveLength(15);
  });
});
