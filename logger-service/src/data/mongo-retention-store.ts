import type { Db } from 'mongodb';
import type { EntryGroup, RetentionStore } from '../domain/retention';
import { LEGACY_COLLECTION } from './legacy-migration';
import { GLOBAL_SCOPE, globalHeadId } from './log-layout';
import type { MongoLogStore } from './mongo-log-store';

/** Longer than any bulk write takes (the driver gives up on a reply after MONGO_SOCKET_TIMEOUT_MS). */
const WRITE_GRACE_MS = 60_000;

/**
 * Retention over the bucket layout: a group is removed with one equality delete
 * (`{keys: <group>}`, at most 10,000 entries, below FerretDB's 65,535 per delete), then
 * its record; the process's global head gets a floor so readers do not walk into the
 * removed buckets, and heads of streams that are now empty are dropped.
 */
export class MongoRetentionStore implements RetentionStore {
  constructor(
    private readonly db: Db,
    private readonly store: MongoLogStore,
    private readonly writeGraceMs = WRITE_GRACE_MS,
  ) {}

  async groups(): Promise<EntryGroup[]> {
    await this.store.dropExpiredPartitions();
    const [groups, heads] = await Promise.all([
      this.store.groups.find({}).toArray(),
      this.store.streams.find({ scope: GLOBAL_SCOPE }).toArray(),
    ]);
    const currentGroup = new Map(heads.map((head) => [head.inc, head.group]));
    // A group's record is written before its entries: one written to lately may still
    // have entries on their way, so it counts as being filled too.
    const settled = Date.now() - this.writeGraceMs;
    return groups.map((group) => ({
      id: group._id,
      count: group.count,
      newest: group.newest,
      current: currentGroup.get(group.inc) === group.index || group.newest.getTime() > settled,
    }));
  }

  async removeGroup(group: EntryGroup): Promise<number> {
    const record = await this.store.groups.findOne({ _id: group.id });
    const { deletedCount } = await this.store.logs.deleteMany({ keys: group.id });
    if (!record) return deletedCount;
    await this.store.groups.deleteOne({ _id: group.id });

    const { inc } = record;
    const remaining = await this.store.groups
      .find({ inc }, { projection: { oldest: 1 } })
      .toArray();
    if (remaining.length === 0) {
      // Nothing of this process is left: its heads would only send readers to empty windows.
      await this.store.streams.deleteMany({ inc });
      return deletedCount;
    }
    await this.store.streams.updateOne(
      { _id: globalHeadId(inc) },
      { $max: { floor: record.last_bucket + 1 } },
    );
    // A name stream whose newest entry is older than everything this process has left is empty.
    const oldestLeft = new Date(Math.min(...remaining.map((group) => group.oldest.getTime())));
    await this.store.streams.deleteMany({
      inc,
      scope: { $ne: GLOBAL_SCOPE },
      newest: { $lt: oldestLeft },
    });
    return deletedCount;
  }

  async busy(): Promise<boolean> {
    const legacy = await this.db
      .listCollections({ name: LEGACY_COLLECTION }, { nameOnly: true })
      .toArray();
    return legacy.length > 0;
  }
}
