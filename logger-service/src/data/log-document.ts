import type { ObjectId } from 'mongodb';
import type { LogDocument, NewLogDocument } from '../domain/log-store';

/** An entry as stored; `keys` is absent on entries written before buckets existed. */
export interface MongoLogDocument extends NewLogDocument {
  _id: ObjectId;
  keys?: string[];
}

/** A stored entry as the domain sees it (no `_id` object, no internal `keys`). */
export function toLogDocument(document: MongoLogDocument): LogDocument {
  return {
    id: document._id.toHexString(),
    name: document.name,
    data: document.data,
    event_id: document.event_id,
    created_at: document.created_at,
    updated_at: document.updated_at,
  };
}
