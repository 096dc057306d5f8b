import type { Logger } from '@ms/service-kit';
import type { Collection, Db, ObjectId } from 'mongodb';
import { nameHash } from './log-layout';
import type { MongoLogDocument } from './log-document';
import { LOGS_COLLECTION, type MongoLogStore, writeStreamChanges } from './mongo-log-store';
import { duplicatePositions } from './store-errors';
import { StreamSequencer } from './stream-sequencer';

/** Where entries of the old layout (no `keys`) wait while they are copied into `logs`. */
export const LEGACY_COLLECTION = 'logs_legacy';

const COPY_CHUNK = 1000;

/**
 * At start-up: a `logs` collection of the old layout (its first entry has no `keys`) is
 * renamed to `logs_legacy`, and a fresh `logs` takes its place. Returns whether a
 * `logs_legacy` is waiting to be copied (now, or left over by an interrupted copy).
 */
export async function setAsideLegacyEntries(db: Db, logger?: Logger): Promise<boolean> {
  const logs = db.collection<MongoLogDocument>(LOGS_COLLECTION);
  // No filter and no sort: FerretDB pushes the limit down, so this reads one row.
  const first = await logs
    .find({}, { projection: { keys: 1 } })
    .limit(1)
    .next();
  const pending = async () =>
    (await db.listCollections({ name: LEGACY_COLLECTION }, { nameOnly: true }).toArray()).length >
    0;
  if (first && first.keys === undefined) {
    if (await pending()) {
      logger?.error(
        'logs holds entries of the old layout while logs_legacy is still being copied; ' +
          'they are left where they are until logs_legacy is gone (restart then)',
      );
    } else {
      await logs.rename(LEGACY_COLLECTION);
      logger?.info('entries of the old layout set aside in logs_legacy, to be copied into logs');
    }
  }
  return pending();
}

export interface LegacyCopyOptions {
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Copies logs_legacy into `logs` in the bucket layout, then drops it. Entries keep their
 * _id and event_id, so a copy interrupted half-way is simply run again (what is already
 * copied comes back as a duplicate). Two passes, because the layout needs the entries
 * in time order and FerretDB sorts in memory: first the ids, times and names (sorted
 * here), then the entries themselves, streamed.
 */
export async function copyLegacyEntries(
  db: Db,
  store: MongoLogStore,
  { logger, signal }: LegacyCopyOptions = {},
): Promise<void> {
  const legacy = db.collection<MongoLogDocument>(LEGACY_COLLECTION);
  const started = Date.now();

  const order: { _id: ObjectId; created_at: Date; name: string }[] = [];
  for await (const entry of legacy.find(
    {},
    { projection: { _id: 1, created_at: 1, name: 1 }, batchSize: COPY_CHUNK },
  )) {
    if (signal?.aborted) return;
    order.push({ _id: entry._id, name: entry.name, created_at: createdAtOf(entry) });
  }
  if (order.length === 0) {
    await legacy.drop();
    return;
  }
  order.sort(
    (a, b) =>
      a.created_at.getTime() - b.created_at.getTime() ||
      a._id.toHexString().localeCompare(b._id.toHexString()),
  );

  // A stream of its own, named after the oldest entry: the same on every re-run.
  const sequencer = new StreamSequencer(`l${nameHash(order[0]!._id.toHexString()).slice(0, 8)}`);
  const keysById = new Map<string, string[]>();
  for (const document of sequencer.assign(
    order.map((entry) => ({ ...entry, data: '', event_id: '', updated_at: entry.created_at })),
  )) {
    keysById.set(document._id.toHexString(), document.keys);
  }
  await writeStreamChanges(store.streams, store.groups, sequencer.takeChanges());

  let copied = 0;
  let chunk: MongoLogDocument[] = [];
  const flush = async () => {
    await insertIgnoringDuplicates(store.logs, chunk);
    // The console's search reads the time partitions: old entries get their copy too.
    await store.partitions.add(chunk);
    copied += chunk.length;
    chunk = [];
  };
  for await (const document of legacy.find({}, { batchSize: COPY_CHUNK })) {
    if (signal?.aborted) {
      logger?.info({ copied }, 'copy of old entries interrupted; it resumes at the next start');
      return;
    }
    chunk.push(withKeys(document, keysById.get(document._id.toHexString())));
    if (chunk.length >= COPY_CHUNK) await flush();
  }
  await flush();
  await legacy.drop();
  logger?.info(
    { copied, ms: Date.now() - started },
    'entries of the old layout copied into logs; logs_legacy dropped',
  );
}

/** Entries written by the Go original may lack fields this layout relies on. */
function createdAtOf(document: Pick<MongoLogDocument, '_id' | 'created_at'>): Date {
  return document.created_at instanceof Date ? document.created_at : document._id.getTimestamp();
}

function withKeys(document: MongoLogDocument, keys: string[] | undefined): MongoLogDocument {
  const createdAt = createdAtOf(document);
  return {
    ...document,
    // The unique index on event_id allows one entry without it; give each its own.
    event_id: document.event_id ?? `legacy-${document._id.toHexString()}`,
    created_at: createdAt,
    updated_at: document.updated_at ?? createdAt,
    // logs_legacy is not written to after the rename, so every entry was in the first pass.
    keys: keys ?? [],
  };
}

async function insertIgnoringDuplicates(
  logs: Collection<MongoLogDocument>,
  documents: MongoLogDocument[],
): Promise<void> {
  if (documents.length === 0) return;
  try {
    await logs.insertMany(documents, { ordered: false });
  } catch (err) {
    // Copied by an earlier, interrupted run (or the event was stored again since).
    if (duplicatePositions(err) === undefined) throw err;
  }
}
