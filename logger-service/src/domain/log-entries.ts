import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  type Logger,
  NotFoundError,
  ValidationError,
  WriteCoalescer,
  type WriteCoalescerOptions,
  parseInput,
  withTimeout,
} from '@ms/service-kit';
import {
  type LogBatchResult,
  type LogWrite,
  type StoredLogEntry,
  logWriteSchema,
} from '@ms/service-kit/contracts';
import type { InsertOutcome, LogDocument, LogStore, NewLogDocument } from './log-store';
import { nameFilterField, pageLimitField } from './query-fields';
import {
  type SearchPage,
  type SearchSettings,
  SEARCH_DEFAULTS,
  parseSearchQuery,
  toSearchPage,
} from './log-search';

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 500;
/** Default deadline of one write to the store (LOG_WRITE_TIMEOUT_MS). */
export const WRITE_TIMEOUT_DEFAULT_MS = 2500;
/** Defaults of the single-write coalescing (LOG_COALESCE_* in the config). */
export const COALESCING_DEFAULTS = {
  maxBatchSize: 500,
  maxQueued: 2000,
  maxConcurrentFlushes: 2,
} as const;

const listQuerySchema = z.object({
  limit: pageLimitField(LIST_LIMIT_MAX, LIST_LIMIT_DEFAULT),
  name: nameFilterField,
});

const LOG_ID = /^[0-9a-f]{24}$/i;

export interface WriteResult {
  outcome: InsertOutcome;
  name: string;
  eventId: string;
}

export interface LogEntriesOptions {
  logger?: Logger;
  now?: () => Date;
  newEventId?: () => string;
  /** Deadline of one store write; past it the caller gets a TimeoutError (504). */
  writeTimeoutMs?: number;
  /** Deadline, query budget and default time range of a console search. */
  search?: Partial<SearchSettings>;
  /** How single writes are grouped into bulk writes (see WriteCoalescer). */
  coalescing?: Partial<Omit<WriteCoalescerOptions, 'timeoutMs' | 'target'>>;
}

/**
 * The logger's one domain: validate and store an entry, list and read entries.
 * HTTP, JSON-RPC and gRPC are thin adapters over `write`, so validation and
 * exactly-once storage are the same whichever way an entry arrives.
 */
export class LogEntries {
  private readonly now: () => Date;
  private readonly newEventId: () => string;
  private readonly writeTimeoutMs: number;
  private readonly singleWrites: WriteCoalescer<NewLogDocument, InsertOutcome>;

  constructor(
    private readonly store: LogStore,
    private readonly options: LogEntriesOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newEventId = options.newEventId ?? randomUUID;
    this.writeTimeoutMs = options.writeTimeoutMs ?? WRITE_TIMEOUT_DEFAULT_MS;
    this.singleWrites = new WriteCoalescer((documents) => store.insertMany(documents), {
      ...COALESCING_DEFAULTS,
      ...options.coalescing,
      target: 'log store',
      timeoutMs: this.writeTimeoutMs,
    });
  }

  /**
   * Validates, then queues the entry for the next bulk write (an invalid entry never
   * reaches the queue, so it cannot fail anyone else's write).
   */
  async write(input: unknown): Promise<WriteResult> {
    const entry = parseLogWrite(input);
    const document = this.toDocument(entry, this.now());
    const outcome = await this.singleWrites.submit(document);
    if (outcome === 'duplicate') {
      this.options.logger?.info(
        { eventId: document.event_id },
        'event already stored; not stored again',
      );
    }
    return { outcome, name: entry.name, eventId: document.event_id };
  }

  /**
   * Validates each entry on its own (an invalid one is `rejected`, the others still
   * stored) and stores the valid ones in one bulk write. One result per input, in order.
   * Throws UnavailableError / TimeoutError when the write as a whole failed: sending the
   * same batch again is then safe, entries already stored come back as `duplicate`.
   */
  async writeMany(inputs: readonly unknown[]): Promise<LogBatchResult[]> {
    const results: LogBatchResult[] = new Array<LogBatchResult>(inputs.length);
    const documents: NewLogDocument[] = [];
    const positions: number[] = [];
    const now = this.now();
    inputs.forEach((input, position) => {
      try {
        documents.push(this.toDocument(parseLogWrite(input), now));
        positions.push(position);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        results[position] = { status: 'rejected', error: err.message };
      }
    });
    if (documents.length > 0) {
      const outcomes = await withTimeout(
        () => this.store.insertMany(documents),
        this.writeTimeoutMs,
        'log store write',
      );
      outcomes.forEach((status, i) => {
        results[positions[i]!] = { status };
      });
      const duplicates = outcomes.filter((status) => status === 'duplicate').length;
      if (duplicates > 0) {
        this.options.logger?.info({ duplicates }, 'events already stored; not stored again');
      }
    }
    return results;
  }

  private toDocument(entry: LogWrite, now: Date): NewLogDocument {
    return {
      name: entry.name,
      data: entry.data,
      event_id: entry.event_id ?? this.newEventId(),
      created_at: now,
      updated_at: now,
    };
  }

  async list(query: unknown): Promise<StoredLogEntry[]> {
    const { limit, name } = parseInput(listQuerySchema, query ?? {});
    const documents = await this.store.list(name === undefined ? { limit } : { limit, name });
    return documents.map(toStoredLogEntry);
  }

  async get(id: unknown): Promise<StoredLogEntry> {
    const document = await this.store.findById(parseLogId(id));
    if (!document) throw new NotFoundError('log entry not found');
    return toStoredLogEntry(document);
  }

  /** The console's search: a page newest first, a cursor to the next, bounded in time and queries. */
  async search(query: unknown): Promise<SearchPage> {
    const settings = { ...SEARCH_DEFAULTS, ...this.options.search };
    const now = this.now();
    const parsed = parseSearchQuery(query ?? {}, settings, now);
    const page = await this.store.search({
      ...parsed.filter,
      deadline: now.getTime() + settings.deadlineMs,
      maxWindows: settings.maxWindows,
    });
    return toSearchPage(page, parsed, toStoredLogEntry);
  }

  async delete(id: unknown): Promise<void> {
    if (!(await this.store.deleteById(parseLogId(id)))) {
      throw new NotFoundError('log entry not found');
    }
    this.options.logger?.info({ id }, 'log entry deleted');
  }

  async deleteAll(): Promise<void> {
    await this.store.deleteAll();
    this.options.logger?.warn('every log entry deleted');
  }
}

function parseLogId(id: unknown): string {
  if (typeof id !== 'string' || !LOG_ID.test(id)) {
    throw new ValidationError('id: must be a 24-character hexadecimal id');
  }
  return id.toLowerCase();
}

/** `{"name","data","event_id"?}` checked with the kit's schema; ValidationError naming the field. */
function parseLogWrite(input: unknown): LogWrite {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('log entry must be an object with "name" and "data"');
  }
  return parseInput(logWriteSchema, input);
}

/** "3 stored, 1 duplicate, 1 rejected": the message of a batch answer. */
export function batchSummary(results: readonly LogBatchResult[]): string {
  const count = (status: InsertOutcome | 'rejected') =>
    results.filter((result) => result.status === status).length;
  return `${count('stored')} stored, ${count('duplicate')} duplicate, ${count('rejected')} rejected`;
}

function toStoredLogEntry(document: LogDocument): StoredLogEntry {
  return {
    id: document.id,
    name: document.name,
    data: document.data,
    event_id: document.event_id,
    created_at: document.created_at.toISOString(),
    updated_at: document.updated_at.toISOString(),
  };
}
