import { type Collection, type Db, ObjectId } from 'mongodb';
import type {
  InsertOutcome,
  LogDocument,
  LogListFilter,
  LogStore,
  NewLogDocument,
} from '../domain/log-store';
import {
  duplicatePositions,
  isDuplicateKeyError,
  toBulkWriteError,
  toStoreError,
} from './store-errors';

export const LOGS_COLLECTION = 'logs';

/** Documents per insertMany command; the driver splits further by message size (48 MB). */
const INSERT_CHUNK = 1000;

interface MongoLogDocument extends NewLogDocument {
  _id: ObjectId;
}

const INDEXES = [
  { key: { created_at: -1 }, name: 'created_at_desc' },
  { key: { name: 1, created_at: -1 }, name: 'name_created_at_desc' },
  { key: { event_id: 1 }, name: 'event_id_unique', unique: true },
] as const;

/** Log entries in MongoDB (or FerretDB): collection `logs`, newest first by `created_at`. */
export class MongoLogStore implements LogStore {
  private readonly collection: Collection<MongoLogDocument>;

  constructor(private readonly db: Db) {
    this.collection = db.collection<MongoLogDocument>(LOGS_COLLECTION);
  }

  /** Idempotent; run at start-up. */
  async ensureIndexes(): Promise<void> {
    // One index per command: FerretDB 1.x drops the connection when a multi-index
    // createIndexes names indexes that already exist, i.e. on every restart.
    for (const index of INDEXES) {
      await this.collection.createIndexes([{ ...index, key: { ...index.key } }]);
    }
  }

  async insert(entry: NewLogDocument): Promise<InsertOutcome> {
    try {
      // insertOne would add _id to the object it is given; keep the caller's object clean.
      await this.collection.insertOne({ ...entry, _id: new ObjectId() });
      return 'stored';
    } catch (err) {
      if (isDuplicateKeyError(err)) return 'duplicate';
      throw toStoreError(err);
    }
  }

  async insertMany(entries: readonly NewLogDocument[]): Promise<InsertOutcome[]> {
    const outcomes: InsertOutcome[] = [];
    for (let start = 0; start < entries.length; start += INSERT_CHUNK) {
      outcomes.push(...(await this.insertChunk(entries.slice(start, start + INSERT_CHUNK))));
    }
    return outcomes;
  }

  /** Unordered: a duplicate event_id fails only its own document, the others are stored. */
  private async insertChunk(entries: readonly NewLogDocument[]): Promise<InsertOutcome[]> {
    const outcomes: InsertOutcome[] = entries.map(() => 'stored');
    try {
      await this.collection.insertMany(
        entries.map((entry) => ({ ...entry, _id: new ObjectId() })),
        { ordered: false },
      );
    } catch (err) {
      const duplicates = duplicatePositions(err);
      if (duplicates === undefined) throw toBulkWriteError(err);
      for (const position of duplicates) outcomes[position] = 'duplicate';
    }
    return outcomes;
  }

  async list({ limit, name }: LogListFilter): Promise<LogDocument[]> {
    try {
      const documents = await this.collection
        .find(name === undefined ? {} : { name })
        // _id breaks ties between entries written in the same millisecond.
        .sort({ created_at: -1, _id: -1 })
        .limit(limit)
        .toArray();
      return documents.map(toLogDocument);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  async findById(id: string): Promise<LogDocument | undefined> {
    try {
      const document = await this.collection.findOne({ _id: new ObjectId(id) });
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

function toLogDocument(document: MongoLogDocument): LogDocument {
  return {
    id: document._id.toHexString(),
    name: document.name,
    data: document.data,
    event_id: document.event_id,
    created_at: document.created_at,
    updated_at: document.updated_at,
  };
}
