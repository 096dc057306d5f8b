import { type StreamHead, globalHeadId } from '../../src/data/log-layout';
import {
  MAX_WINDOW_QUERIES,
  type WindowSource,
  compareNewestFirst,
  readNewestFirst,
} from '../../src/data/newest-first-reader';
import { toLogDocument } from '../../src/data/log-document';
import { type SequencedDocument, StreamSequencer } from '../../src/data/stream-sequencer';
import type { LogDocument } from '../../src/domain/log-store';

/** The store's two queries over documents held in memory, counting window queries. */
class FakeSource implements WindowSource {
  cached?: WindowSource['cached'];
  readonly documents: SequencedDocument[] = [];
  readonly heads_ = new Map<string, StreamHead>();
  windows = 0;

  add(sequencer: StreamSequencer, documents: SequencedDocument[]): void {
    this.documents.push(...documents);
    for (const [_id, head] of sequencer.takeChanges().heads) {
      this.heads_.set(_id, { ...this.heads_.get(_id), _id, ...head });
    }
  }

  async heads(scope: string): Promise<StreamHead[]> {
    return [...this.heads_.values()].filter((head) => head.scope === scope);
  }

  async window(key: string, name: string | undefined, limit: number): Promise<LogDocument[]> {
    this.windows += 1;
    return this.documents
      .filter((d) => d.keys.includes(key) && (name === undefined || d.name === name))
      .map(toLogDocument)
      .sort(compareNewestFirst)
      .slice(0, limit);
  }

  /** What a full sort of everything would answer. */
  expected(limit: number, name?: string): string[] {
    return this.documents
      .filter((d) => name === undefined || d.name === name)
      .map(toLogDocument)
      .sort(compareNewestFirst)
      .slice(0, limit)
      .map((d) => d.id);
  }
}

function entries(count: number, startMs: number, name: (i: number) => string) {
  return Array.from({ length: count }, (_, i) => ({
    name: name(i),
    data: `${i}`,
    event_id: `e-${startMs}-${i}`,
    // Several entries per millisecond: ties are broken by _id.
    created_at: new Date(startMs + Math.floor(i / 3)),
    updated_at: new Date(startMs + Math.floor(i / 3)),
  }));
}

const ids = (documents: LogDocument[]) => documents.map((d) => d.id);
const names = (i: number) => (i % 50 === 7 ? 'rare' : ['a', 'b', 'c'][i % 3]!);

describe('readNewestFirst', () => {
  it('answers like a full sort, with and without a name, for every limit', async () => {
    const source = new FakeSource();
    const sequencer = new StreamSequencer('one');
    source.add(sequencer, sequencer.assign(entries(2500, 0, names)));

    for (const limit of [1, 20, 50, 99, 100, 101, 250, 500]) {
      for (const name of [undefined, 'a', 'rare', 'absent']) {
        const result = await readNewestFirst(source, { limit, name }, 100);
        expect(result.complete).toBe(true);
        expect(ids(result.entries)).toEqual(source.expected(limit, name));
      }
    }
  });

  it('reads the newest bucket pair in one query when it holds enough entries', async () => {
    const source = new FakeSource();
    const sequencer = new StreamSequencer('one');
    source.add(sequencer, sequencer.assign(entries(10_003, 0, () => 'a')));
    source.windows = 0;
    await readNewestFirst(source, { limit: 50 });
    expect(source.windows).toBe(1);
    source.windows = 0;
    await readNewestFirst(source, { limit: 50, name: 'a' });
    expect(source.windows).toBe(1);
  });

  it('merges the streams of several processes, skipping those with nothing newer', async () => {
    const source = new FakeSource();
    const old = new StreamSequencer('old');
    source.add(old, old.assign(entries(700, 0, names)));
    const first = new StreamSequencer('first');
    const second = new StreamSequencer('second');
    // Two processes writing at the same time, interleaved.
    for (let round = 0; round < 10; round++) {
      source.add(first, first.assign(entries(37, 10_000 + round * 100, names)));
      source.add(second, second.assign(entries(53, 10_000 + round * 100 + 7, names)));
    }
    for (const limit of [1, 50, 500]) {
      for (const name of [undefined, 'b', 'rare']) {
        const result = await readNewestFirst(source, { limit, name }, 100);
        expect(ids(result.entries)).toEqual(source.expected(limit, name));
      }
    }
    // 20: the newest stream alone answers (the other's newest entry is older than its 20th).
    source.windows = 0;
    await readNewestFirst(source, { limit: 20 }, 100);
    expect(source.windows).toBe(1);
    // 50: both live streams are read, the old process's stream never.
    source.windows = 0;
    await readNewestFirst(source, { limit: 50 }, 100);
    expect(source.windows).toBe(2);
  });

  it('stops at its query budget and says so', async () => {
    const source = new FakeSource();
    const sequencer = new StreamSequencer('one');
    source.add(sequencer, sequencer.assign(entries(5000, 0, (i) => (i === 0 ? 'first' : 'a'))));
    const result = await readNewestFirst(source, { limit: 500 }, 2);
    expect(result).toMatchObject({ complete: false, queries: 2 });
    expect(result.entries).toHaveLength(400);
    expect(MAX_WINDOW_QUERIES).toBeGreaterThanOrEqual(3); // a full 500 fits the default budget
  });

  it('starts at the floor retention left and ends a stream after empty windows', async () => {
    const source = new FakeSource();
    const sequencer = new StreamSequencer('one');
    source.add(sequencer, sequencer.assign(entries(1000, 0, () => 'a')));
    // Retention removed buckets 0 to 5 and raised the floor.
    source.documents.splice(0, 600);
    source.heads_.get(globalHeadId('one'))!.floor = 6;
    source.windows = 0;
    const all = await readNewestFirst(source, { limit: 500 }, 100);
    expect(ids(all.entries)).toEqual(source.expected(500));
    expect(source.windows).toBe(2);
    // Name streams have no floor: two empty windows end them.
    const byName = await readNewestFirst(source, { limit: 500, name: 'a' }, 100);
    expect(ids(byName.entries)).toEqual(source.expected(500, 'a'));
  });

  it('takes a stream from the cache when it can answer, with no window query', async () => {
    const source = new FakeSource();
    const mine = new StreamSequencer('mine');
    const other = new StreamSequencer('other');
    source.add(other, other.assign(entries(300, 0, names)));
    source.add(mine, mine.assign(entries(300, 1000, names)));
    const asked: [string, string | undefined, number, number][] = [];
    source.cached = (inc, name, limit, floor) => {
      asked.push([inc, name, limit, floor]);
      if (inc !== 'mine') return undefined;
      const own = new FakeSource();
      own.documents.push(...source.documents.filter((d) => d.keys[0]!.includes('.mine.')));
      return own
        .expected(limit, name)
        .map((id) => toLogDocument(own.documents.find((d) => d._id.toHexString() === id)!));
    };
    source.windows = 0;
    const result = await readNewestFirst(source, { limit: 50, name: 'a' }, 100);
    expect(ids(result.entries)).toEqual(source.expected(50, 'a'));
    expect(source.windows).toBe(0);
    expect(asked).toEqual([['mine', 'a', 50, 0]]);

    // 500: the other process's stream is needed too, and read from the database.
    const more = await readNewestFirst(source, { limit: 500 }, 100);
    expect(ids(more.entries)).toEqual(source.expected(500));
    expect(source.windows).toBeGreaterThan(0);
  });

  it('finds names a process kept only in its global stream', async () => {
    const source = new FakeSource();
    const sequencer = new StreamSequencer('one');
    source.add(sequencer, sequencer.assign(entries(300, 0, () => 'tracked')));
    // As if the process had run out of name streams before this name came.
    const untracked = sequencer.assign(entries(5, 1000, () => 'late'));
    for (const document of untracked) document.keys = document.keys.slice(0, 3);
    source.add(sequencer, untracked);
    source.heads_.delete('n|one|late');
    source.heads_.get(globalHeadId('one'))!.untracked_names = true;

    const result = await readNewestFirst(source, { limit: 10, name: 'late' }, 100);
    expect(ids(result.entries)).toEqual(source.expected(10, 'late'));
  });
});
