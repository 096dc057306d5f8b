import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { type ClosedLoad, closedLoop } from '../load/closed-loop';
import type { LoadResult } from '../load/load-result';

export interface DbInsertOptions extends ClosedLoad {
  mongoUrl: string;
  database: string;
}

/**
 * The database's own single-insert rate: `callers` concurrent insertOne of a log-shaped
 * document into a scratch collection with the one index exactly-once storage needs
 * (event_id, unique), through the mongodb driver. The collection is dropped afterwards.
 */
export async function measureDbInserts(options: DbInsertOptions): Promise<LoadResult> {
  const client = new MongoClient(options.mongoUrl, {
    serverSelectionTimeoutMS: 5000,
    socketTimeoutMS: 30_000,
    maxPoolSize: options.callers,
  });
  try {
    const collection = client
      .db(options.database)
      .collection(`insert_reference_${randomUUID().slice(0, 8)}`);
    await collection.createIndex({ event_id: 1 }, { unique: true, name: 'event_id_unique' });
    try {
      return await closedLoop(options, async () => {
        await collection.insertOne({
          name: 'insert reference',
          data: 'a log entry of the usual size',
          event_id: randomUUID(),
          created_at: new Date(),
        });
      });
    } finally {
      await collection.drop().catch(() => undefined);
    }
  } finally {
    await client.close();
  }
}
