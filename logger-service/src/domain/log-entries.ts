import { randomUUID } from 'node:crypto';
import {
  LOG_NAME_MAX_LENGTH,
  type Logger,
  NotFoundError,
  type StoredLogEntry,
  ValidationError,
  logWriteSchema,
  parseInput,
  z,
} from '@ms/service-kit';
import type { InsertOutcome, LogDocument, LogStore } from './log-store';

export const LIST_LIMIT_DEFAULT = 50;
export const LIST_LIMIT_MAX = 500;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);

const listQuerySchema = z.object({
  limit: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be an integer')
      .min(1, `must be between 1 and ${LIST_LIMIT_MAX}`)
      .max(LIST_LIMIT_MAX, `must be between 1 and ${LIST_LIMIT_MAX}`)
      .default(LIST_LIMIT_DEFAULT),
  ),
  name: z.preprocess(
    blankToUndefined,
    z
      .string({ invalid_type_error: 'must be a string' })
      .trim()
      .max(LOG_NAME_MAX_LENGTH, `must be at most ${LOG_NAME_MAX_LENGTH} characters`)
      .optional(),
  ),
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
}

/**
 * The logger's one domain: validate and store an entry, list and read entries.
 * HTTP, JSON-RPC and gRPC are thin adapters over `write`, so validation and
 * exactly-once storage are the same whichever way an entry arrives.
 */
export class LogEntries {
  private readonly now: () => Date;
  private readonly newEventId: () => string;

  constructor(
    private readonly store: LogStore,
    private readonly options: LogEntriesOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newEventId = options.newEventId ?? randomUUID;
  }

  async write(input: unknown): Promise<WriteResult> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ValidationError('log entry must be an object with "name" and "data"');
    }
    const entry = parseInput(logWriteSchema, input);
    const eventId = entry.event_id ?? this.newEventId();
    const now = this.now();
    const outcome = await this.store.insert({
      name: entry.name,
      data: entry.data,
      event_id: eventId,
      created_at: now,
      updated_at: now,
    });
    if (outcome === 'duplicate') {
      this.options.logger?.info({ eventId }, 'event already stored; not stored again');
    }
    return { outcome, name: entry.name, eventId };
  }

  async list(query: unknown): Promise<StoredLogEntry[]> {
    const { limit, name } = parseInput(listQuerySchema, query ?? {});
    const documents = await this.store.list(name === undefined ? { limit } : { limit, name });
    return documents.map(toStoredLogEntry);
  }

  async get(id: unknown): Promise<StoredLogEntry> {
    if (typeof id !== 'string' || !LOG_ID.test(id)) {
      throw new ValidationError('id: must be a 24-character hexadecimal id');
    }
    const document = await this.store.findById(id.toLowerCase());
    if (!document) throw new NotFoundError('log entry not found');
    return toStoredLogEntry(document);
  }
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
