import {
  BUCKET_ENTRIES,
  GROUP_BUCKETS,
  MAX_NAME_STREAMS,
  bucketKey,
  globalHeadId,
  groupKey,
  nameBucketKey,
  nameHash,
  nameHeadId,
} from '../../src/data/log-layout';
import { StreamSequencer } from '../../src/data/stream-sequencer';
import type { NewLogDocument } from '../../src/domain/log-store';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const entry = (name: string, ms: number): NewLogDocument => ({
  name,
  data: 'x',
  event_id: `${name}-${ms}`,
  created_at: at(ms),
  updated_at: at(ms),
});

describe('StreamSequencer', () => {
  it('fills buckets of BUCKET_ENTRIES in order; each entry names its bucket, the next and its group', () => {
    const sequencer = new StreamSequencer('inc');
    const documents = sequencer.assign(
      Array.from({ length: BUCKET_ENTRIES + 1 }, (_, i) => entry('a', i)),
    );
    const hash = nameHash('a');
    expect(documents[0]!.keys).toEqual([
      bucketKey('inc', 0),
      bucketKey('inc', 1),
      groupKey('inc', 0),
      nameBucketKey('inc', 0, hash),
      nameBucketKey('inc', 1, hash),
    ]);
    expect(documents[BUCKET_ENTRIES - 1]!.keys[0]).toBe(bucketKey('inc', 0));
    expect(documents[BUCKET_ENTRIES]!.keys.slice(0, 2)).toEqual([
      bucketKey('inc', 1),
      bucketKey('inc', 2),
    ]);
  });

  it('starts a new group every GROUP_BUCKETS buckets', () => {
    const sequencer = new StreamSequencer('inc');
    const documents = sequencer.assign(
      Array.from({ length: BUCKET_ENTRIES * GROUP_BUCKETS + 1 }, (_, i) => entry('a', i)),
    );
    expect(documents.at(-2)!.keys[2]).toBe(groupKey('inc', 0));
    expect(documents.at(-1)!.keys[2]).toBe(groupKey('inc', 1));
    const { groups, heads } = sequencer.takeChanges();
    expect(groups.get(groupKey('inc', 0))).toMatchObject({
      count: BUCKET_ENTRIES * GROUP_BUCKETS,
      last_bucket: GROUP_BUCKETS - 1,
    });
    expect(heads.get(globalHeadId('inc'))).toMatchObject({ seq: GROUP_BUCKETS, group: 1 });
  });

  it('takes smaller sizes when given', () => {
    const sequencer = new StreamSequencer('inc', { bucketEntries: 2, groupBuckets: 3 });
    const documents = sequencer.assign(Array.from({ length: 7 }, (_, i) => entry('a', i)));
    expect(documents.map((document) => document.keys[0])).toEqual(
      [0, 0, 1, 1, 2, 2, 3].map((k) => bucketKey('inc', k)),
    );
    expect(documents.map((document) => document.keys[2])).toEqual(
      [0, 0, 0, 0, 0, 0, 1].map((m) => groupKey('inc', m)),
    );
  });

  it('keeps one stream per name, filled independently of the global one', () => {
    const sequencer = new StreamSequencer('inc');
    const documents = sequencer.assign([
      ...Array.from({ length: BUCKET_ENTRIES }, (_, i) => entry('busy', i)),
      entry('rare', 1000),
    ]);
    const rare = documents.at(-1)!;
    expect(rare.keys[0]).toBe(bucketKey('inc', 1));
    expect(rare.keys[3]).toBe(nameBucketKey('inc', 0, nameHash('rare')));
  });

  it('never lets created_at go backwards and gives growing ids', () => {
    const sequencer = new StreamSequencer('inc');
    const documents = sequencer.assign([entry('a', 50), entry('a', 10), entry('a', 60)]);
    expect(documents.map((document) => document.created_at.getTime() - at(0).getTime())).toEqual([
      50, 50, 60,
    ]);
    expect(documents.map((document) => document.updated_at)).toEqual(
      documents.map((document) => document.created_at),
    );
    const ids = documents.map((document) => document._id.toHexString());
    expect([...ids].sort()).toEqual(ids);
  });

  it('reports the heads and groups that changed, once, and again after a failed write', () => {
    const sequencer = new StreamSequencer('inc');
    sequencer.assign([entry('a', 1), entry('b', 2)]);
    const changes = sequencer.takeChanges();
    expect(changes.heads.get(globalHeadId('inc'))).toEqual({
      scope: '*',
      inc: 'inc',
      seq: 0,
      newest: at(2),
      oldest: at(1),
      group: 0,
      untracked_names: false,
    });
    expect(changes.heads.get(nameHeadId('inc', 'b'))).toMatchObject({ scope: 'n|b', seq: 0 });
    expect(changes.groups.get(groupKey('inc', 0))).toEqual({
      inc: 'inc',
      index: 0,
      last_bucket: 0,
      count: 2,
      newest: at(2),
      oldest: at(1),
    });
    expect(sequencer.takeChanges().heads.size).toBe(0);

    sequencer.restore(changes);
    const again = sequencer.takeChanges();
    expect([...again.heads.keys()].sort()).toEqual([...changes.heads.keys()].sort());
    expect([...again.groups.keys()]).toEqual([groupKey('inc', 0)]);
  });

  it(`gives at most ${MAX_NAME_STREAMS} names a stream, then marks the global head`, () => {
    const sequencer = new StreamSequencer('inc');
    sequencer.assign(Array.from({ length: MAX_NAME_STREAMS }, (_, i) => entry(`name-${i}`, i)));
    sequencer.takeChanges();
    const [extra] = sequencer.assign([entry('one-too-many', MAX_NAME_STREAMS)]);
    expect(extra!.keys).toHaveLength(3);
    expect(sequencer.takeChanges().heads.get(globalHeadId('inc'))).toMatchObject({
      untracked_names: true,
    });
    const [known] = sequencer.assign([entry('name-0', MAX_NAME_STREAMS + 1)]);
    expect(known!.keys).toHaveLength(5);
  });
});
