/** A log entry as the domain hands it to storage. */
export interface NewLogDocument {
  name: string;
  data: string;
  /** The RabbitMQ messageId, or a generated id: unique, so a redelivered event is stored once. */
  event_id: string;
  created_at: Date;
  updated_at: Date;
}

export interface LogDocument extends NewLogDocument {
  id: string;
}

/** `duplicate`: an entry with the same event_id was already stored; nothing was written. */
export type InsertOutcome = 'stored' | 'duplicate';

export interface LogListFilter {
  limit: number;
  name?: string;
}

/**
 * Where log entries live. Implementations throw the kit's UnavailableError when the
 * database cannot be reached, so every transport can answer "unavailable" its own way.
 */
export interface LogStore {
  insert(entry: NewLogDocument): Promise<InsertOutcome>;
  /**
   * Stores many entries in one unordered bulk write: one outcome per entry, in order.
   * Throws (UnavailableError, TimeoutError) when the write as a whole failed; some
   * entries may then be stored already, which a retry reports as `duplicate`.
   */
  insertMany(entries: readonly NewLogDocument[]): Promise<InsertOutcome[]>;
  /** Newest first. */
  list(filter: LogListFilter): Promise<LogDocument[]>;
  /** `id` is a 24-character hex string (already validated). */
  findById(id: string): Promise<LogDocument | undefined>;
  ping(): Promise<void>;
}
