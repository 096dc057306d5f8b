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

export interface LogSearchFilter {
  limit: number;
  name?: string;
  q?: string;
  from?: Date;
  /** Only entries older than this position (a cursor, or `to`). */
  before?: { at: Date; id: string };
  /** Epoch ms past which the search stops and says where to go on. */
  deadline: number;
  maxWindows: number;
}

export interface LogSearchPage {
  entries: LogDocument[];
  next: { at: Date; id: string } | undefined;
  stoppedBy: 'deadline' | 'window_limit' | undefined;
}

/**
 * A search page from the matches, newest first (all of them, or as many as were read, one
 * past the limit telling that there are more): the first `limit`, and where the next page starts.
 */
export function searchPageOf(matches: LogDocument[], limit: number): LogSearchPage {
  const entries = matches.slice(0, limit);
  const last = entries[entries.length - 1];
  return {
    entries,
    next: matches.length > limit && last ? { at: last.created_at, id: last.id } : undefined,
    stoppedBy: undefined,
  };
}

/**
 * Where log entries live. Implementations throw the kit's UnavailableError when the
 * database cannot be reached, so every transport can answer "unavailable" its own way.
 */
export interface LogStore {
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
  /** Newest first from `before`, filtered; bounded by a deadline and a number of queries. */
  search(filter: LogSearchFilter): Promise<LogSearchPage>;
  /** False when no entry has this id. */
  deleteById(id: string): Promise<boolean>;
  /** Removes every entry, however many. */
  deleteAll(): Promise<void>;
  ping(): Promise<void>;
}
