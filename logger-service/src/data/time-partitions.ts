import type { Logger } from '@ms/service-kit';
import { type Db, type Document, ObjectId } from 'mongodb';
import {
  type LogDocument,
  type LogSearchFilter,
  type LogSearchPage,
  searchPageOf,
} from '../domain/log-store';
import { type MongoLogDocument, toLogDocument } from './log-document';
import { compareNewestFirst } from './newest-first-reader';

/**
 * The log console's search reads a copy of the entries kept in one small collection per
 * ten minutes of created_at (`logs_by_time.<n>`). On FerretDB every query scans its whole
 * collection (an equality filter is pushed down to Postgres but served by no index: a
 * query of the 200,000-entry `logs` takes 150-300 ms, one by _id too), so a search that
 * must answer in under 200 ms can only read collections as small as the range it covers.
 * Partition order is time order: reading them newest first and stopping once a page is
 * full is exact. Dropping a partition is how whole ranges go (delete-all, retention).
 */
export const PARTITION_PREFIX = 'logs_by_time.';
export const PARTITION_MS = 10 * 60_000;

const LAST_ID = 'f'.repeat(24);

export const partitionOf = (at: Date): number => Math.floor(at.getTime() / PARTITION_MS);
export const partitionName = (partition: number): string => `${PARTITION_PREFIX}${partition}`;

interface Position {
  at: Date;
  id: string;
}

const asDoc = (position: Position) => ({ created_at: position.at, id: position.id }) as LogDocument;

export class TimePartitions {
  constructor(
    private readonly db: Db,
    private readonly logger?: Logger,
  ) {}

  /** Copies stored entries into their partitions; a failure is logged, never the write's. */
  async add(documents: readonly MongoLogDocument[]): Promise<void> {
    const byPartition = new Map<number, Document[]>();
    for (const { keys: _keys, ...document } of documents) {
      const partition = partitionOf(document.created_at);
      const list = byPartition.get(partition) ?? [];
      list.push(document);
      byPartition.set(partition, list);
    }
    await Promise.all(
      [...byPartition].map(async ([partition, list]) => {
        try {
          await this.db.collection(partitionName(partition)).insertMany(list, { ordered: false });
        } catch (err) {
          // A copy already there (same _id) is fine; anything else leaves the console short.
          if ((err as { code?: number }).code === 11000) return;
          this.logger?.warn({ partition, err }, 'could not copy entries for the console search');
        }
      }),
    );
  }

  /** Existing partitions, newest first. */
  async list(): Promise<number[]> {
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return collections
      .map((c) => c.name)
      .filter((name) => name.startsWith(PARTITION_PREFIX))
      .map((name) => Number(name.slice(PARTITION_PREFIX.length)))
      .filter(Number.isInteger)
      .sort((a, b) => b - a);
  }

  /**
   * A page newest first: each partition in the range is read whole with one query (the
   * name as an equality filter), time, text and order applied in memory. Past the deadline
   * or `maxWindows` partitions (at least one is always read) it answers what it found,
   * which is final, and a cursor at the first partition it did not read.
   */
  async search(
    { limit, name, q, from, before, deadline, maxWindows }: LogSearchFilter,
    now: () => number = Date.now,
  ): Promise<LogSearchPage> {
    const text = q?.toLowerCase();
    const newest = before ? partitionOf(before.at) : Infinity;
    const oldest = from ? partitionOf(from) : -Infinity;
    const partitions = (await this.list()).filter((p) => p <= newest && p >= oldest);
    const found: LogDocument[] = [];
    // The range is applied by FerretDB too (in its memory, after the scan): fewer documents
    // cross the wire; the filter below stays the one that decides.
    const range: Record<string, Date> = {};
    if (from) range.$gte = from;
    if (before) range.$lte = before.at;
    const query = {
      ...(name === undefined ? {} : { name }),
      ...(from || before ? { created_at: range } : {}),
    };
    const fetch = (partition: number) =>
      this.db.collection<MongoLogDocument>(partitionName(partition)).find(query).toArray();
    let read = 0;
    // Read ahead when one partition was not enough (a rare name, a text search): 1, 2, 4,
    // then 8 partitions at once, so a long walk costs a few round trips, not one each.
    let group = 1;
    while (read < partitions.length && found.length <= limit) {
      if (read > 0 && (read >= maxWindows || now() >= deadline)) {
        const partition = partitions[read]!;
        const next: Position = { at: new Date((partition + 1) * PARTITION_MS - 1), id: LAST_ID };
        return {
          entries: found,
          next,
          stoppedBy: read >= maxWindows ? 'window_limit' : 'deadline',
        };
      }
      const batch = partitions.slice(read, read + Math.min(group, Math.max(1, maxWindows - read)));
      const results = await Promise.all(batch.map(fetch));
      for (const documents of results) {
        read += 1;
        const matching = documents
          .map(toLogDocument)
          .filter(
            (entry) =>
              (before === undefined || compareNewestFirst(entry, asDoc(before)) > 0) &&
              (from === undefined || entry.created_at.getTime() >= from.getTime()) &&
              (text === undefined || entry.data.toLowerCase().includes(text)),
          )
          .sort(compareNewestFirst);
        found.push(...matching.slice(0, limit - found.length + 1));
        if (found.length > limit) break;
      }
      group = Math.min(group * 2, 8);
    }
    return searchPageOf(found, limit);
  }

  async delete(id: string, createdAt: Date): Promise<void> {
    await this.db
      .collection(partitionName(partitionOf(createdAt)))
      .deleteOne({ _id: new ObjectId(id) });
  }

  /** Drops every partition wholly older than `cutoff` (all of them without one). */
  async drop(cutoff?: Date): Promise<number> {
    const limit = cutoff ? partitionOf(cutoff) : Infinity;
    const doomed = (await this.list()).filter((p) => p < limit);
    for (const partition of doomed) {
      await this.db
        .collection(partitionName(partition))
        .drop()
        .catch((err: unknown) => {
          if ((err as { code?: number }).code !== 26) throw err;
        });
    }
    return doomed.length;
  }
}
