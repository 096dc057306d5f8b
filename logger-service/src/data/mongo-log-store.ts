import type { Logger } from '@ms/service-kit';
import { type AnyBulkWriteOperation, type Collection, type Db, ObjectId } from 'mongodb';
import type {
  InsertOutcome,
  LogDocument,
  LogListFilter,
  LogSearchFilter,
  LogSearchPage,
  LogStore,
  NewLogDocument,
} from '../domain/log-store';
import {
  GROUPS_COLLECTION,
  type GroupRecord,
  type LayoutSizes,
  STREAMS_COLLECTION,
  type StreamHead,
  newIncarnationId,
} from './log-layout';
import { type WindowSource, readNewestFirst } from './newest-first-reader';
import { TimePartitions } from './time-partitions';
import { type MongoLogDocument, toLogDocument } from './log-document';
import { RecentEntries } from './recent-entries';
import { type MetadataChanges, type PlacedDocument, StreamSequencer } from './stream-sequencer';
import { duplicatePositions, toBulkWriteError, toStoreError } from './store-errors';

export const LOGS_COLLECTION = 'logs';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Documents per insertMany command; the driver splits further by message size (48 MB). */
const INSERT_CHUNK = 1000;

const INDEXES = [
  { key: { created_at: -1 }, name: 'created_at_desc' },
  { key: { name: 1, created_at: -1 }, name: 'name_created_at_desc' },
  { key: { event_id: 1 }, name: 'event_id_unique', unique: true },
  // MongoDB: one multikey index serves every window query, already in newest-first order.
  { key: { keys: 1, created_at: -1, _id: -1 }, name: 'keys_created_at_desc' },
] as const;

export interface MongoLogStoreOptions {
  /** This process's id in the stream layout; a fresh one by default. */
  incarnation?: string;
  /** Bucket and group sizes; the defaults of log-layout.ts unless a test needs small ones. */
  sizes?: LayoutSizes;
  /** LOG_RETENTION_DAYS: entries older than this are never answered from memory. */
  retentionDays?: number;
  /** Answer reads of this process's own newest entries from memory (default true). */
  recentInMemory?: boolean;
  logger?: Logger;
}

/**
 * Log entries in MongoDB (or FerretDB): collection `logs`, read newest first through
 * the bucket layout of log-layout.ts (`log_streams` heads, `log_groups` for retention).
 */
export class MongoLogStore implements LogStore {
  readonly logs: Collection<MongoLogDocument>;
  readonly streams: Collection<StreamHead>;
  readonly groups: Collection<GroupRecord>;
  private readonly sequencer: StreamSequencer;
  private readonly recent: RecentEntries | undefined;
  /** The console search's copy of the entries, by ten minutes of created_at. */
  readonly partitions: TimePartitions;
  /** Head and group writes, one at a time, so the latest state is always written last. */
  private metadataQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: MongoLogStoreOptions = {},
  ) {
    this.logs = db.collection<MongoLogDocument>(LOGS_COLLECTION);
    this.streams = db.collection<StreamHead>(STREAMS_COLLECTION);
    this.groups = db.collection<GroupRecord>(GROUPS_COLLECTION);
    this.sequencer = new StreamSequencer(options.incarnation ?? newIncarnationId(), options.sizes);
    this.recent = options.recentInMemory === false ? undefined : new RecentEntries();
    this.partitions = new TimePartitions(db, options.logger);
  }

  get incarnation(): string {
    return this.sequencer.inc;
  }

  /** Idempotent; run at start-up. */
  async ensureIndexes(): Promise<void> {
    // One index per command: FerretDB 1.x drops the connection when a multi-index
    // createIndexes names indexes that already exist, i.e. on every restart.
    for (const index of INDEXES) {
      await this.logs.createIndexes([{ ...index, key: { ...index.key } }]);
    }
    await this.streams.createIndexes([{ key: { scope: 1 }, name: 'scope' }]);
  }

  async insertMany(entries: readonly NewLogDocument[]): Promise<InsertOutcome[]> {
    // Placed in this process's streams in call order, before anything is awaited.
    const placed = this.sequencer.place(entries);
    try {
      // Heads first: a reader may then look for entries not written yet, never miss one.
      await this.writeMetadata();
      const outcomes: InsertOutcome[] = [];
      for (let start = 0; start < placed.length; start += INSERT_CHUNK) {
        outcomes.push(...(await this.insertChunk(placed.slice(start, start + INSERT_CHUNK))));
      }
      this.recent?.add(placed, outcomes);
      return outcomes;
    } catch (err) {
      // Some of these may be stored: what memory knows is no longer complete.
      this.recent?.forgetUpTo(this.sequencer.placedCount);
      throw err;
    }
  }

  /** Unordered: a duplicate event_id fails only its own document, the others are stored. */
  private async insertChunk(placed: PlacedDocument[]): Promise<InsertOutcome[]> {
    const outcomes: InsertOutcome[] = placed.map(() => 'stored');
    try {
      await this.logs.insertMany(
        placed.map((entry) => entry.document),
        { ordered: false },
      );
    } catch (err) {
      const duplicates = duplicatePositions(err);
      if (duplicates === undefined) throw toBulkWriteError(err);
      for (const position of duplicates) outcomes[position] = 'duplicate';
    }
    await this.partitions.add(
      placed.filter((_entry, i) => outcomes[i] === 'stored').map((entry) => entry.document),
    );
    return outcomes;
  }

  private writeMetadata(): Promise<void> {
    const write = this.metadataQueue.then(async () => {
      const changes = this.sequencer.takeChanges();
      try {
        await writeStreamChanges(this.streams, this.groups, changes);
      } catch (err) {
        this.sequencer.restore(changes);
        throw toBulkWriteError(err);
      }
    });
    this.metadataQueue = write.catch(() => undefined);
    return write;
  }

  async list({ limit, name }: LogListFilter): Promise<LogDocument[]> {
    try {
      const result = await readNewestFirst(this.windowSource(), { limit, name });
      if (!result.complete) {
        this.options.logger?.warn(
          { limit, name, queries: result.queries },
          'newest-first read stopped at its query budget; the answer may lack older entries',
        );
      }
      return result.entries;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  private windowSource(): WindowSource {
    return {
      heads: (scope) => this.streams.find({ scope }).toArray(),
      window: async (key, name, limit) => {
        const documents = await this.logs
          .find(name === undefined ? { keys: key } : { keys: key, name }, {
            projection: { keys: 0 },
          })
          .sort({ created_at: -1, _id: -1 })
          .limit(limit)
          .toArray();
        return documents.map(toLogDocument);
      },
      cached: (inc, name, limit, floor) => {
        if (inc !== this.incarnation || !this.recent) return undefined;
        const days = this.options.retentionDays ?? 0;
        const notBefore = days > 0 ? new Date(Date.now() - days * DAY_MS) : undefined;
        return this.recent.newest(name, limit, { floor, notBefore });
      },
    };
  }

  async search(filter: LogSearchFilter): Promise<LogSearchPage> {
    try {
      const page = await this.partitions.search(filter);
      if (page.stoppedBy) {
        this.options.logger?.info(
          { stoppedBy: page.stoppedBy, found: page.entries.length },
          'search stopped early; the answer says where to go on',
        );
      }
      return page;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async deleteById(id: string): Promise<boolean> {
    try {
      const document = await this.logs.findOne(
        { _id: new ObjectId(id) },
        { projection: { created_at: 1 } },
      );
      if (!document) return false;
      const { deletedCount } = await this.logs.deleteOne({ _id: new ObjectId(id) });
      await this.partitions.delete(id, document.created_at);
      this.recent?.forget(id);
      return deletedCount > 0;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /**
   * Drops the three collections and makes them again: one delete of over 65,535 documents
   * fails on FerretDB, and dropping is immediate at any size. Heads come back with each
   * process's next write; windows of dropped buckets are then empty and readers pass them.
   */
  async deleteAll(): Promise<void> {
    try {
      await this.metadataQueue;
      for (const collection of [this.logs, this.streams, this.groups]) {
        await collection.drop().catch((err: unknown) => {
          // Already gone (nothing written yet): nothing to drop.
          if ((err as { code?: number }).code !== 26) throw err;
        });
      }
      await this.partitions.drop();
      this.recent?.clear();
      this.sequencer.markAllDirty();
      await this.ensureIndexes();
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Console copies older than LOG_RETENTION_DAYS go with whole partitions (run by retention). */
  async dropExpiredPartitions(now = Date.now()): Promise<number> {
    const days = this.options.retentionDays ?? 0;
    return days > 0 ? this.partitions.drop(new Date(now - days * DAY_MS)) : 0;
  }

  async findById(id: string): Promise<LogDocument | undefined> {
    try {
      const document = await this.logs.findOne({ _id: new ObjectId(id) });
      return document ? toLogDocument(document) : undefined;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.db.command({ ping: 1 });
    } catch (err) {
      throw toStoreError(err);
    }
  }
}

/** Stores heads and groups as they are now (`$set`, upsert): this process is their only writer. */
export async function writeStreamChanges(
  streams: Collection<StreamHead>,
  groups: Collection<GroupRecord>,
  changes: MetadataChanges,
): Promise<void> {
  const headOps: AnyBulkWriteOperation<StreamHead>[] = [...changes.heads].map(([_id, fields]) => ({
    updateOne: { filter: { _id }, update: { $set: fields }, upsert: true },
  }));
  const groupOps: AnyBulkWriteOperation<GroupRecord>[] = [...changes.groups].map(
    ([_id, fields]) => ({ updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } }),
  );
  await Promise.all([
    headOps.length > 0 ? streams.bulkWrite(headOps, { ordered: false }) : undefined,
    groupOps.length > 0 ? groups.bulkWrite(groupOps, { ordered: false }) : undefined,
  ]);
}
